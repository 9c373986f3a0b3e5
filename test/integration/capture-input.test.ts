import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityWindower } from '../../src-main/activity/activity-windower';
import { x11DisplayProblem } from '../../src-main/capture/x11-display';
import { ActivityPackageSchema, KEY_CATEGORIES, type RawEvent } from '../../src-main/contract/activity';
import { onPath, startXvfb } from '../x-session';

/**
 * Real OS events end to end: our own Xvfb, xdotool typing into it, uiohook-napi capturing
 * through XRecord, InputHook reducing keys to categories, ActivityWindower making a package.
 *
 * The hook runs in a child process: libuiohook opens an X connection when it loads and
 * keeps it for the life of the process, and Xlib exits a process whose X server goes
 * away, so the hook's process must end before we stop our Xvfb. The child's whole stdout
 * is what leaves capture, which lets us check that no character is in it.
 */

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const CHILD = `
  const { InputHook } = await import(${JSON.stringify(join(ROOT, 'src-main/capture/input-hook.ts'))});
  const hook = new InputHook();
  hook.start((e) => process.stdout.write(JSON.stringify(e) + '\\n'));
  process.stdout.write('"ready"\\n');
  process.stdin.on('data', () => {});
  process.stdin.on('end', () => { hook.stop(); process.stdout.write('"stopped"\\n'); process.exit(0); });
`;

const HAVE_XVFB = onPath('Xvfb');
if (!HAVE_XVFB) console.warn('capture-input: skipped: the Xvfb binary is not installed (apt-get install xvfb)');

const TEXT = 'hello world';
const DELAY_MS = 80;

/** Every string anywhere in a value (keys excluded). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

/** The capture child: every line it prints, parsed, and a way to stop it. */
function startCaptureChild(display: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    cwd: ROOT,
    env: { ...process.env, DISPLAY: display },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: unknown[] = [];
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const rl = createInterface({ input: child.stdout });
  const waiters: { want: string; resolve: () => void }[] = [];
  rl.on('line', (line) => {
    stdout += line + '\n';
    const value: unknown = JSON.parse(line);
    lines.push(value);
    for (const w of waiters.filter((w) => w.want === value)) w.resolve();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const waitFor = (want: string) =>
    Promise.race([
      new Promise<void>((resolve) => {
        if (lines.includes(want)) resolve();
        else waiters.push({ want, resolve });
      }),
      exited.then((code) => {
        throw new Error(`capture child exited (${code}) before "${want}": ${stderr}`);
      }),
    ]);
  return {
    lines,
    output: () => stdout,
    ready: () => waitFor('ready'),
    stop: async () => {
      child.stdin.end();
      await waitFor('stopped');
      await exited;
    },
    kill: () => child.kill('SIGKILL'),
  };
}

describe.skipIf(!HAVE_XVFB)('input capture under Xvfb (uiohook-napi + xdotool)', () => {
  let xvfb: ChildProcess | null = null;
  let display = '';
  let child: ReturnType<typeof startCaptureChild> | null = null;

  beforeAll(async () => {
    ({ proc: xvfb, display } = await startXvfb());
    // -displayfd is written once the server listens; check the way InputHook will.
    expect(x11DisplayProblem(display)).toBeNull();
  });

  afterAll(async () => {
    child?.kill();
    if (xvfb && xvfb.exitCode === null) {
      const exited = new Promise((r) => xvfb!.once('exit', r));
      xvfb.kill('SIGTERM');
      await exited;
    }
  });

  it('turns xdotool typing and mouse motion into a package with the right counts and timing', async () => {
    expect(onPath('xdotool'), 'xdotool is required (apt-get install xdotool)').toBe(true);
    const startAt = Date.now();
    const windowMs = 120_000;
    child = startCaptureChild(display);
    await child.ready();

    const env = { ...process.env, DISPLAY: display };
    await run('xdotool', ['type', '--delay', String(DELAY_MS), TEXT], { env });
    await run(
      'xdotool',
      ['mousemove', '10', '10', 'sleep', '0.1', 'mousemove', '110', '60', 'sleep', '0.1', 'mousemove', '210', '110', 'sleep', '0.1', 'mousemove', '310', '160'],
      { env },
    );
    // Let the trailing mouse move fire, then stop the hook (and its X connection).
    await new Promise((r) => setTimeout(r, 300));
    await child.stop();

    const raw = child.lines.filter((l): l is RawEvent => typeof l === 'object' && l !== null);
    const windower = new ActivityWindower({ sessionId: 'it-capture', windowMs, startAt });
    for (const e of raw) windower.push(e);
    const packages = windower.drain(startAt + windowMs);
    expect(packages).toHaveLength(1);
    const pkg = ActivityPackageSchema.parse(packages[0]);
    const keys = pkg.keystrokes;
    const dwells = keys.map((k) => k.up - k.down);
    const periods = keys.slice(1).map((k, i) => k.down - keys[i]!.down);
    console.log(
      'capture-input: %d keys, dwell mean %s ms (sd %s), flight mean %s ms (sd %s), down-to-down %s ms, mouse moves %d, speed %s px/s',
      pkg.keystrokeCount,
      pkg.meanDwellMs.toFixed(1),
      pkg.stdDwellMs.toFixed(1),
      pkg.meanFlightMs.toFixed(1),
      pkg.stdFlightMs.toFixed(1),
      (periods.reduce((a, b) => a + b, 0) / periods.length).toFixed(1),
      pkg.mouseMoveCount,
      pkg.meanMouseSpeed.toFixed(0),
    );

    expect(pkg.keystrokeCount).toBe(TEXT.length);
    expect(keys.filter((k) => k.category === 'letter')).toHaveLength(10);
    expect(keys.filter((k) => k.category === 'space')).toHaveLength(1);
    expect(keys[5]!.category).toBe('space');
    // Times are the X server's: each key held briefly, keys following at xdotool's pace.
    // xdotool spends --delay/2 per character, half held and half released (measured here:
    // dwell ~20 ms, flight ~20 ms, down-to-down ~40-47 ms for --delay 80).
    for (const d of dwells) {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(200);
    }
    for (const p of periods) {
      expect(p).toBeGreaterThanOrEqual(DELAY_MS / 4);
      expect(p).toBeLessThanOrEqual(DELAY_MS * 4);
    }
    expect(pkg.meanFlightMs).toBeGreaterThanOrEqual(DELAY_MS / 8);
    expect(pkg.meanFlightMs).toBeLessThanOrEqual(DELAY_MS);
    // Captured times sit on the wall clock, within the test's run.
    for (const k of keys) {
      expect(k.down).toBeGreaterThanOrEqual(startAt - 1_000);
      expect(k.up).toBeLessThanOrEqual(Date.now());
    }
    expect(pkg.mouseMoveCount).toBeGreaterThanOrEqual(3);
    expect(pkg.meanMouseSpeed).toBeGreaterThan(0);

    // No characters anywhere: the only strings are the session id, event kinds and categories.
    const allowed = new Set<string>(['it-capture', 'key', 'mouse-move', 'ready', 'stopped', ...KEY_CATEGORIES]);
    expect([...strings(pkg), ...strings(child.lines)].filter((s) => !allowed.has(s))).toEqual([]);
    const wire = JSON.stringify(pkg) + child.output();
    for (const word of ['hello', 'world', '"h"', '"e"', '"l"', '"o"', '"w"', '"r"', '"d"', 'keycode']) {
      expect(wire).not.toContain(word);
    }
  });
});
