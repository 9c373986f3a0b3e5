/**
 * Orchestrator and engine-memory benchmark (not a timed test): `npm run bench`.
 *
 * Prints packages per second on one core (the orchestrator is synchronous single-threaded
 * JS; the rate is per second of process CPU time, so other programs on a shared machine do
 * not count against it; the wall-clock rate is printed beside it), microseconds
 * per package (median, p99), and heap retained per session after 10,000 packages.
 * Packages are realistic 5 s windows (~25 keystrokes, mouse, CPU, network) with an anomaly
 * every 20th window, so detectors fire and flag files are built on the way; a second pass
 * flags every package to show the cost of flag-file generation alone.
 */
import './chain-bench';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ActivityPackage, KeystrokeSample } from '../../src-main/contract/activity';
import { defaultPolicy, type Policy } from '../../src-main/contract/policy';
import { FlagOrchestrator } from '../../src-main/detection/orchestrator';
import { enrollTypist, scoreTypist } from '../../src-main/detection/typist/typist-model';
import { FakeClock } from '../fake-clock';
import { seededRandom as rng } from '../seeded-random';
import { MEMORY_BUDGET_MIB } from './exam-memory-budget';
import { benchKeyedChain } from './keyed-chain';
import { benchPredict } from './predict';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const WINDOW_MS = 5000;


const CATS = ['letter', 'letter', 'letter', 'letter', 'space', 'backspace', 'modifier'] as const;

/** One session's packages: ordinary typing, with a burst of CPU + upload every 20th window. */
function makeSession(n: number, seed: number): ActivityPackage[] {
  const rand = rng(seed);
  const out: ActivityPackage[] = [];
  for (let i = 0; i < n; i++) {
    const startedAt = 1_700_000_000_000 + i * WINDOW_MS;
    const keys: KeystrokeSample[] = [];
    let t = startedAt + rand() * 100;
    const count = 18 + Math.floor(rand() * 15);
    for (let k = 0; k < count; k++) {
      const cat = CATS[Math.floor(rand() * CATS.length)]!;
      const down = t;
      keys.push({ category: cat, zone: cat === 'letter' ? 1 + Math.floor(rand() * 8) : 9, down, up: down + 60 + rand() * 70 });
      t += 60 + rand() * 230;
    }
    const odd = i % 20 === 19;
    out.push({
      schemaVersion: 1,
      sessionId: 'bench',
      sequence: i,
      startedAt,
      endedAt: startedAt + WINDOW_MS,
      keystrokeCount: keys.length,
      meanDwellMs: 95,
      stdDwellMs: 20,
      meanFlightMs: 90 + rand() * 30,
      stdFlightMs: 40 + rand() * 25,
      backspaceRatio: keys.filter((k) => k.category === 'backspace').length / keys.length,
      meanMouseSpeed: 250 + rand() * 150,
      mouseMoveCount: 10 + Math.floor(rand() * 30),
      inactivityMs: rand() < 0.2 ? 1500 : 0,
      focusLosses: 0,
      unfocusedMs: 0,
      copyEvents: 0,
      pasteEvents: 0,
      externalPasteEvents: 0,
      cpuLoadPercent: odd ? 98 : 15 + rand() * 15,
      netRxBytesPerSec: odd ? 3_000_000 : 1500 + rand() * 2000,
      netTxBytesPerSec: odd ? 2_000_000 : 300 + rand() * 500,
      keystrokes: keys,
    });
  }
  return out;
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function run(label: string, policy: Policy['classifier'], sessions: ActivityPackage[][], rounds: number): void {
  const clock = new FakeClock(0);
  // Warm-up on separate sessions, so the JIT has settled before timing.
  for (let s = 0; s < 2; s++) {
    const warm = new FlagOrchestrator({ policy, clock, sessionId: `warm-${s}`, studentId: 'w' });
    for (const p of sessions[0]!) warm.processPackage(p);
  }

  // One orchestrator per session, as the app runs them; their statistics are summed.
  const st = { flags: 0, flagsByLevel: {} as Record<string, number>, processingMicros: 0, seen: 0 };
  const perRound = sessions[0]!.length * sessions.length;
  const n = perRound * rounds;
  const times = new Float64Array(n);
  const roundRates: number[] = [];
  let i = 0;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let s = 0; s < sessions.length; s++) {
      const o = new FlagOrchestrator({ policy, clock, timer: () => performance.now(), sessionId: `s${r}-${s}`, studentId: 'student' });
      for (const p of sessions[s]!) {
        const a = performance.now();
        o.processPackage(p);
        times[i++] = performance.now() - a;
      }
      const os = o.stats();
      st.flags += os.flags;
      for (const [level, k] of Object.entries(os.flagsByLevel)) st.flagsByLevel[level] = (st.flagsByLevel[level] ?? 0) + k;
      st.processingMicros += os.meanProcessingMicros * os.packagesSeen;
      st.seen += os.packagesSeen;
    }
    roundRates.push(perRound / ((performance.now() - t0) / 1000));
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const wallSeconds = (performance.now() - wall0) / 1000;
  times.sort();
  roundRates.sort((a, b) => b - a);
  console.log(`${label}`);
  // The machine is shared: CPU time (all of this process's threads, GC included) is what one
  // core spends; wall-clock rounds also count the time other programs held the core.
  console.log(
    `  ${Math.round(n / cpuSeconds)} packages/s on one core (${n} packages in ${cpuSeconds.toFixed(2)} s of process CPU time; ` +
      `wall clock: ${Math.round(n / wallSeconds)}/s overall, best round ${Math.round(roundRates[0]!)}/s; per-package timing included)`,
  );
  console.log(
    `  per package: median ${(quantile(times, 0.5) * 1000).toFixed(1)} µs, p99 ${(quantile(times, 0.99) * 1000).toFixed(1)} µs, ` +
      `mean ${(st.processingMicros / st.seen).toFixed(1)} µs (orchestrator stats)`,
  );
  console.log(`  flag files built: ${st.flags} (${((st.flags / n) * 100).toFixed(1)}% of packages), by level ${JSON.stringify(st.flagsByLevel)}`);
}

function retained(policy: Policy['classifier'], packages: ActivityPackage[], sessions: number): void {
  // One orchestrator per session, as the app runs them: its bounded flag cache is per-session state too.
  const clock = new FakeClock(0);
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const before = heap();
  const os: FlagOrchestrator[] = [];
  for (let s = 0; s < sessions; s++) {
    const o = new FlagOrchestrator({ policy, clock, sessionId: `m${s}`, studentId: 'student' });
    os.push(o);
    for (let k = 0; k < packages.length; k++) o.processPackage(packages[k]!);
  }
  const after = heap();
  // The same sessions again for 10,000 more packages each: growth here would be a leak.
  const shifted = packages.map((p) => ({ ...p, startedAt: p.startedAt + packages.length * WINDOW_MS, endedAt: p.endedAt + packages.length * WINDOW_MS }));
  for (const o of os) for (const p of shifted) o.processPackage(p);
  const after2 = heap();
  console.log(
    `retained memory per session after ${packages.length} packages: ${((after - before) / sessions / 1024).toFixed(1)} KiB ` +
      `(${sessions} sessions); after ${2 * packages.length}: ${((after2 - before) / sessions / 1024).toFixed(1)} KiB ` +
      `(flag cache bounded at ${policy.detectors.recentFlagLimit} per session, kept alive in the first: ${os[0]?.recentFlags().length ?? 0})`,
  );
}

const policy = defaultPolicy().classifier;
const sessions = [1, 2].map((s) => makeSession(2500, s));
run('full orchestrator, realistic mix (default policy: flags at high and above)', policy, sessions, 7);

const flagAll = defaultPolicy().classifier;
flagAll.flagAtLevel = 'low';
// low = 0 (below what the policy schema allows) so that even a package with no evidence at all gets a flag file.
flagAll.thresholds = { critical: 0.9999, high: 0.9998, medium: 0.9997, low: 0 };
run('full orchestrator, every package flagged (flag-file generation on each)', flagAll, sessions, 5);

retained(policy, makeSession(10_000, 99), 20);

/** How much of a package's time is the typist model's (biometric_drift scores every keystroke once). */
function typistShare(packages: ActivityPackage[]): void {
  const keys = packages.flatMap((p) => p.keystrokes);
  const enrolKeys = keys.slice(0, 250);
  let t0 = performance.now();
  const rounds = 20;
  let profile = enrollTypist(enrolKeys);
  for (let r = 1; r < rounds; r++) profile = enrollTypist(enrolKeys);
  const enrolMs = (performance.now() - t0) / rounds;
  const rest = keys.slice(250, 250 + 25 * 400);
  t0 = performance.now();
  let scored = 0;
  for (let r = 0; r < 3; r++) {
    for (let i = 1; i + 25 <= rest.length; i += 25) {
      scoreTypist(profile, rest.slice(i - 1, i + 25));
      scored += 25;
    }
  }
  const perKey = ((performance.now() - t0) * 1000) / scored;
  const perPackage = keys.length / packages.length;
  console.log(
    `typist model inside that: ${perKey.toFixed(2)} µs per keystroke scored, i.e. ~${(perKey * perPackage).toFixed(1)} µs per package ` +
      `at ${perPackage.toFixed(1)} keystrokes per package; enrolment of 250 keystrokes ${enrolMs.toFixed(2)} ms (x11 with calibration, once per session)`,
  );
}

typistShare(sessions[0]!);

/**
 * Memory of the whole engine over a simulated 3-hour exam, one fresh process per seed (RSS
 * is per process). Bundled to plain JS first: tsx's own loader would add ~35 MiB to RSS.
 */
async function examMemory(seeds: number[]): Promise<void> {
  const { build } = await import('esbuild');
  const { execFileSync } = await import('node:child_process');
  const out = path.join('node_modules', '.cache', 'vigil-bench', 'exam-memory.mjs');
  await build({ entryPoints: ['test/bench/exam-memory.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: out, logLevel: 'warning' });
  console.log(`engine memory over a simulated 3-hour exam (budget ${MEMORY_BUDGET_MIB} MiB RSS at every point):`);
  for (const seed of seeds) process.stdout.write(execFileSync(process.execPath, [out, String(seed)], { encoding: 'utf8' }));
}

benchKeyedChain();
await benchPredict();

await examMemory([1, 2, 3]);
