import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A real X session for integration tests: our own Xvfb, optionally a window manager. */

export function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Starts Xvfb on a display it picks itself (-displayfd), resolves once it accepts
 * connections. `screens` > 1 gives an X server with that many screens (two monitors the
 * old way).
 */
export function startXvfb(screens = 1): Promise<{ proc: ChildProcess; display: string }> {
  const screenArgs = Array.from({ length: screens }, (_, i) => ['-screen', String(i), '1024x768x24']).flat();
  return new Promise((resolve, reject) => {
    const proc = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', ...screenArgs], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let fd3 = '';
    const timer = setTimeout(() => fail(new Error(`Xvfb did not report a display within 15 s: ${stderr}`)), 15_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(err);
    };
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('error', fail);
    proc.on('exit', (code) => fail(new Error(`Xvfb exited (${code}) before it was ready: ${stderr}`)));
    (proc.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      fd3 += d.toString();
      if (!fd3.includes('\n')) return;
      clearTimeout(timer);
      proc.removeAllListeners('exit');
      resolve({ proc, display: `:${fd3.trim()}` });
    });
  });
}

/** Ends a child we started and waits for it (SIGTERM, then SIGKILL after 3 s). */
export async function stopChild(proc: ChildProcess | null | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(t);
}
