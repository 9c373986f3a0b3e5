/**
 * Integrity capture benchmark (not a timed test), printed by `npm run bench`:
 * - CPU of the whole capture layer (keyboard+mouse hook, system sampler, integrity monitor)
 *   as % of one core, with about 370 processes running, idle and while xdotool types 10 keys/s
 *   with a 60 Hz mouse; the integrity monitor alone beside it;
 * - foreground switch -> observation latency (median, p90, max);
 * - new prohibited process -> observation latency (median, max).
 * Runs in its own Xvfb with openbox. CPU is the capture process's own CPU time, all threads
 * (/proc/PID/task/N/schedstat), so other programs on a shared machine do not count against it.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { loadNativeAddon } from '../../src-main/capture/integrity/native-addon';
import { onPath, startXvfb, stopChild } from '../x-session';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const TARGET_PROCESSES = 370;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Obs = { kind: string; pid?: number; emittedAt: number; t: number; count?: number };

function processCount(): number {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).length;
}

/** CPU nanoseconds used so far by every thread of a process. */
function cpuNs(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return total;
}

function startCapture(display: string, parts: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/bench/capture-layer-child.ts')], {
    cwd: ROOT,
    env: { ...process.env, DISPLAY: display, XDG_SESSION_TYPE: 'x11', WAYLAND_DISPLAY: '', VIGIL_BENCH_PARTS: parts },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const seen: Obs[] = [];
  const waiters: { pred: (o: Obs) => boolean; resolve: (o: Obs) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const o = JSON.parse(line) as Obs;
    seen.push(o);
    for (const w of waiters.splice(0)) (w.pred(o) ? w.resolve(o) : waiters.push(w));
  });
  const waitFor = (pred: (o: Obs) => boolean, ms = 10_000) =>
    new Promise<Obs | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), ms);
      waiters.push({ pred, resolve: (o) => (clearTimeout(timer), resolve(o)) });
    });
  return { child, seen, waitFor };
}

const lastPid = () => Number(readFileSync('/proc/loadavg', 'utf8').trim().split(/\s+/).pop());

/** % of one core the process used over `ms` of wall time, and how many pids (processes and threads) the machine created per second meanwhile. */
async function cpuPercent(pid: number, ms: number): Promise<{ cpu: number; pidsPerSecond: number }> {
  const c0 = cpuNs(pid);
  const p0 = lastPid();
  const w0 = performance.now();
  await sleep(ms);
  const wall = performance.now() - w0;
  return { cpu: ((cpuNs(pid) - c0) / 1e6 / wall) * 100, pidsPerSecond: ((lastPid() - p0) * 1000) / wall };
}

/** xdotool typing at 10 keys/s and moving the mouse at 60 Hz (relative moves: they reach XInput2 as raw motion). */
function startLoad(display: string, seconds: number): ChildProcess[] {
  const env = { ...process.env, DISPLAY: display };
  const text = 'the quick brown fox jumps over the lazy dog '.repeat(Math.ceil((seconds * 10) / 44));
  const typer = spawn('xdotool', ['type', '--delay', '100', text.slice(0, seconds * 10)], { env, stdio: 'ignore' });
  const moves: string[] = [];
  for (let i = 0; i < seconds * 60; i++) moves.push('mousemove_relative', '--', i % 2 ? '-3' : '3', '0', 'sleep', '0.0167');
  const mouse = spawn('xdotool', moves, { env, stdio: 'ignore' });
  return [typer, mouse];
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  console.log('\nintegrity capture (native X11 watcher, /proc process watch, probes), under Xvfb + openbox');
  const missing = ['Xvfb', 'openbox', 'xterm', 'xdotool'].filter((b) => !onPath(b));
  const native = loadNativeAddon();
  if (missing.length > 0 || !native.ok) {
    console.log(`  skipped: ${missing.length > 0 ? `missing ${missing.join(', ')}` : native.ok ? '' : native.reason}`);
    return;
  }
  const { proc: xvfb, display } = await startXvfb();
  const env = { ...process.env, DISPLAY: display };
  const wm = spawn('openbox', [], { env, stdio: 'ignore' });
  const sleepers: ChildProcess[] = [];
  const windows: ChildProcess[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  try {
    await sleep(500);
    for (let i = 0; i < 2; i++) windows.push(spawn('xterm', ['-title', `bench-${i}`], { env, stdio: 'ignore' }));
    while (processCount() < TARGET_PROCESSES) sleepers.push(spawn('sleep', ['3600'], { stdio: 'ignore' }));
    await sleep(1500);
    const processes = processCount();

    const measureCpu = async (parts: string, label: string) => {
      const cap = startCapture(display, parts);
      await cap.waitFor((o) => o.kind === 'ready', 30_000);
      await sleep(3000); // startup (module loading, first full process scan, probes) is not steady state
      const idle = await cpuPercent(cap.child.pid!, 20_000);
      const load = startLoad(display, 22);
      await sleep(1000);
      const busy = await cpuPercent(cap.child.pid!, 20_000);
      for (const l of load) await stopChild(l);
      const synthetic = cap.seen.filter((o) => o.kind === 'synthetic_input').reduce((n, o) => n + (o.count ?? 0), 0);
      console.log(
        `  ${label}: ${idle.cpu.toFixed(2)} % of one core idle, ${busy.cpu.toFixed(2)} % while xdotool types 10 keys/s with a 60 Hz mouse ` +
          `(${processes} processes running; ${synthetic} injected events reported; the machine created ` +
          `${idle.pidsPerSecond.toFixed(0)} and ${busy.pidsPerSecond.toFixed(0)} pids/s meanwhile, which the process watch looks at)`,
      );
      return cap;
    };

    const whole = await measureCpu('input,system,integrity', 'whole capture layer (uiohook + system sampler + integrity)');
    whole.child.stdin!.end();
    await stopChild(whole.child);
    const cap = await measureCpu('integrity', 'integrity monitor alone');

    // Foreground switch -> observation.
    const ids = (await run('xdotool', ['search', '--name', '^bench-'], { env })).stdout.trim().split('\n');
    const pidOf = new Map<string, number>();
    for (const id of ids) pidOf.set(id, Number((await run('xdotool', ['getwindowpid', id], { env })).stdout.trim()));
    const fg: number[] = [];
    for (let i = 0; i < 30; i++) {
      const id = ids[i % ids.length]!;
      const want = pidOf.get(id)!;
      const t0 = Date.now();
      const seen = cap.waitFor((o) => o.kind === 'foreground_changed' && o.pid === want && o.emittedAt >= t0, 5000);
      await run('xdotool', ['windowactivate', id], { env });
      const o = await seen;
      if (o) fg.push(o.emittedAt - t0);
      await sleep(100);
    }
    console.log(
      `  foreground switch -> event: median ${ms(quantile(fg, 0.5))}, p90 ${ms(quantile(fg, 0.9))}, max ${ms(Math.max(...fg))} ` +
        `(${fg.length}/30 seen; from just before xdotool windowactivate starts, so xdotool's own start-up is included)`,
    );

    // New prohibited process -> observation.
    const ollama = join(tmp, 'ollama');
    copyFileSync(realSleep(), ollama);
    const pp: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = Date.now();
      const p = spawn(ollama, ['30'], { stdio: 'ignore' });
      const o = await cap.waitFor((x) => x.kind === 'prohibited_app' && x.pid === p.pid, 5000);
      if (o) pp.push(o.emittedAt - t0);
      await stopChild(p);
      await sleep(137); // not in step with the 250 ms scan
    }
    console.log(
      `  new prohibited process -> event: median ${ms(quantile(pp, 0.5))}, max ${ms(Math.max(...pp))} (${pp.length}/20 seen; scan every 250 ms)`,
    );
    cap.child.stdin!.end();
    await stopChild(cap.child);
  } finally {
    for (const s of sleepers) s.kill('SIGKILL');
    for (const w of windows) await stopChild(w);
    await stopChild(wm);
    await stopChild(xvfb);
    rmSync(tmp, { recursive: true, force: true });
  }
}

function realSleep(): string {
  for (const p of ['/usr/bin/sleep', '/bin/sleep']) {
    try {
      readFileSync(p);
      return p;
    } catch {
      // next
    }
  }
  throw new Error('no sleep binary');
}

await main();
