/**
 * Loopback load test of the Socket.IO channel (`npm run bench:live`; not part of `npm test`):
 * N simulated students (default 1,000) each send a batch of keystrokes and mouse points every
 * 5 s for D seconds (default 120), and leave the exam window now and then, which the server
 * answers with high_risk_alert (to the student) and an alerted risk_update (to the proctors
 * watching the exam) from the second time on.
 *
 * Alert latency is measured honestly end to end: from the moment a student's
 * focus_change {focused:false} is handed to its socket to the moment a proctor client,
 * watching the exam on /proctor, receives the alerted risk_update it caused. Both stamps are
 * process.hrtime (CLOCK_MONOTONIC, one clock for all processes on this host).
 *
 * Processes: the exam server alone; the students split over LIVE_LOAD_PROCS processes
 * (default 4) so no single event loop carries 1,000 clients; the proctor in this process,
 * which does nothing else while the run lasts. Each prints its event-loop delay, so a stall of
 * the generator is told apart from a stall of the server.
 *
 * Knobs: LIVE_LOAD_DATA=memory (the server's SQLite in memory instead of on disk),
 * LIVE_LOAD_SESSIONS=one (see OWN_SESSIONS), LIVE_LOAD_STUDENTS, LIVE_LOAD_SECONDS, LIVE_LOAD_PROCS; LIVE_LOAD_PHASES=spread
 * (default: each student's 5-s phase drawn uniformly, seeded, as independent clocks are) or
 * aligned (every student sends in the same millisecond: the worst case); LIVE_LOAD_SERVER_NICE
 * (e.g. -10) and LIVE_LOAD_SERVER_CPU (e.g. 1, via taskset) to place the server, and
 * LIVE_LOAD_PROCTOR_NICE for the proctor's process, on a machine shared with other work;
 * LIVE_LOAD_PROFILE=DIR writes a V8 CPU profile of the server there. Bounded: loopback only,
 * N and D capped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, setPriority } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';
import { DEMO_EXAM, PROCTOR } from '../exam-server-fixture';
import { seededRandom } from '../seeded-random';
import { hrMs, schedstat, type ServerStats, type ShareResult, type StudentPlan } from './live-load-protocol';

const STUDENTS = Math.min(2000, Number(process.env.LIVE_LOAD_STUDENTS ?? 1000));
const SECONDS = Math.min(300, Number(process.env.LIVE_LOAD_SECONDS ?? 120));
const PROCS = Math.max(1, Math.min(16, Number(process.env.LIVE_LOAD_PROCS ?? 4)));
const PHASES = process.env.LIVE_LOAD_PHASES === 'aligned' ? 'aligned' : 'spread';
const PERIOD_MS = 5_000;
/** Every 4th tick of a student (staggered) is a focus loss; from the second, each is an alert (20 points each, lock at 100). */
const LOSS_EVERY = 4;
const TARGET_P99_MS = 200;
/**
 * Linux shares CPU between sessions (autogroups) before it shares it between processes, so
 * on a machine shared with other work everything in one session gets one session's share,
 * however it is niced. By default the server and each student process start their own
 * session (setsid), as separate machines would be, and the proctor (this process) keeps its
 * own; LIVE_LOAD_SESSIONS=one keeps them all in this one.
 */
const OWN_SESSIONS = process.env.LIVE_LOAD_SESSIONS !== 'one';

const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill();
});

/** A child speaking one `kind JSON` line per message on stdout. */
function speaker(child: ChildProcess) {
  const lines = createInterface({ input: child.stdout! });
  return (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const on = (l: string) => {
        if (!l.startsWith(`${prefix} `)) return;
        lines.off('line', on);
        child.off('exit', died);
        resolve(l.slice(prefix.length + 1));
      };
      const died = (code: number | null) => reject(new Error(`a load-test process ended (${code}) before saying ${prefix}`));
      lines.on('line', on);
      child.once('exit', died);
    });
}

const tsx = (file: string, args: string[] = [], pre: string[] = []) => [...pre, '--import', 'tsx', new URL(file, import.meta.url).pathname, ...args];
const profile = process.env.LIVE_LOAD_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.LIVE_LOAD_PROFILE] : [];
const pin = process.env.LIVE_LOAD_SERVER_CPU;
const nice = process.env.LIVE_LOAD_SERVER_NICE;
// Through nice(1) and taskset(1), so every thread of the server (libuv's pool, V8's helpers) has the placement.
const serverCommand = [
  ...(nice !== undefined ? ['nice', '-n', String(Number(nice))] : []),
  ...(pin ? ['taskset', '-c', pin] : []),
  process.execPath,
  ...tsx('./live-load-server.ts', [String(STUDENTS)], profile),
];
const server = spawn(serverCommand[0]!, serverCommand.slice(1), { stdio: ['pipe', 'pipe', 'inherit'], detached: OWN_SESSIONS });
children.push(server);
// The proctor's receipt stamps are the far end of the latency: LIVE_LOAD_PROCTOR_NICE keeps the machine's queue out of them.
const proctorNice = process.env.LIVE_LOAD_PROCTOR_NICE;
if (proctorNice !== undefined) setPriority(Number(proctorNice));
const fromServer = speaker(server);
const serverStats = async () => {
  server.stdin!.write('stats\n');
  return JSON.parse(await fromServer('stats')) as ServerStats;
};

const ready = JSON.parse(await fromServer('ready')) as { url: string; attempts: { sessionId: string; token: string }[]; storage: string };
const placement = [nice !== undefined ? `server nice ${nice}` : '', pin ? `server pinned to CPU ${pin}` : '', proctorNice !== undefined ? `proctor nice ${proctorNice}` : ''].filter(Boolean).join(', ');
console.log(`live load: ${STUDENTS} students in ${PROCS} processes, phases ${PHASES === 'aligned' ? 'ALIGNED (all send in the same millisecond)' : 'spread (seeded uniform over the 5 s)'}, one batch every ${PERIOD_MS / 1000} s for ${SECONDS} s, loopback ${ready.url}${placement ? ` (${placement})` : ''}`);
const autogroup = (() => {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1' ? 'on' : 'off';
  } catch {
    return 'not on this kernel';
  }
})();
console.log(`  server storage: ${ready.storage}`);
console.log(`  sessions: ${OWN_SESSIONS ? 'server, proctor and each student process in its own' : 'ALL IN ONE (LIVE_LOAD_SESSIONS=one)'}; the kernel's per-session CPU sharing (autogroup) is ${autogroup}`);

// The proctor: watches the exam and stamps every alerted risk_update on arrival.
const proctorAlerts: { sessionId: string; trigger: string; at: number; receivedAt: number }[] = [];
let proctorUpdates = 0;
const proctor = io(`${ready.url}/proctor`, { auth: { credential: PROCTOR }, transports: ['websocket'], reconnection: false });
proctor.on('risk_update', (u: { row: { sessionId: string }; alerted: boolean; trigger: string; at: number }) => {
  proctorUpdates++;
  if (u.alerted) proctorAlerts.push({ sessionId: u.row.sessionId, trigger: u.trigger, at: u.at, receivedAt: hrMs() });
});
await new Promise<void>((resolve, reject) => proctor.once('connect', () => resolve()).once('connect_error', reject));
const watching = (await proctor.emitWithAck('watch', { examId: DEMO_EXAM.id })) as { ok: boolean; error?: string };
if (!watching.ok) throw new Error(`the proctor could not watch the exam: ${watching.error}`);

const rand = seededRandom(Number(process.env.LIVE_LOAD_SEED ?? 12));
const plans: StudentPlan[] = Array.from({ length: PROCS }, () => ({ url: ready.url, students: [], ticks: Math.floor(SECONDS / (PERIOD_MS / 1000)), periodMs: PERIOD_MS, lossEvery: LOSS_EVERY }));
ready.attempts.forEach((a, index) => {
  plans[index % PROCS]!.students.push({ index, ...a, phaseMs: PHASES === 'aligned' ? 0 : rand() * PERIOD_MS });
});
const shares = plans.map((plan) => {
  const child = spawn(process.execPath, tsx('./live-load-students.ts'), { stdio: ['pipe', 'pipe', 'inherit'], detached: OWN_SESSIONS });
  children.push(child);
  child.stdin!.write(`${JSON.stringify(plan)}\n`);
  return { child, say: speaker(child) };
});
await Promise.all(shares.map((s) => s.say('connected')));
console.log(`  ${STUDENTS} students and 1 proctor connected`);

const pressure = () => {
  try {
    return Number(/some .*total=(\d+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
};
const loads: number[] = [loadavg()[0]!];
const sampler = setInterval(() => loads.push(loadavg()[0]!), 2_000);
const proctorLoop = monitorEventLoopDelay({ resolution: 10 });
proctorLoop.enable();
const before = await serverStats();
const pressureBefore = pressure();
const proctorSchedBefore = schedstat();
const started = hrMs();
const startAt = started + 1_000;
for (const s of shares) s.child.stdin!.write(`${JSON.stringify({ startAt })}\n`);
const results = (await Promise.all(shares.map((s) => s.say('result')))).map((r) => JSON.parse(r) as ShareResult);
// The proctor's last updates.
await new Promise((r) => setTimeout(r, 1_000));
const proctorLookedAt = hrMs();
const proctorSeen = proctorAlerts.splice(0);
const after = await serverStats();
const proctorSchedAfter = schedstat();
const wall = (hrMs() - started) / 1000;
const waited = (pressure() - pressureBefore) / 1e6 / wall;
clearInterval(sampler);
proctorLoop.disable();
for (const s of shares) s.child.stdin!.write('end\n');
proctor.disconnect();
server.stdin!.end();

// Counts on every side.
const studentsOut = results.flatMap((r) => r.students);
const sentTotal: Record<string, number> = {};
let acked = 0;
let studentAlerts = 0;
for (const s of studentsOut) {
  for (const [k, v] of Object.entries(s.sent)) sentTotal[k] = (sentTotal[k] ?? 0) + v;
  acked += s.acked;
  studentAlerts += s.alerts.length;
}
const sent = Object.values(sentTotal).reduce((a, b) => a + b, 0);
const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const accepted = sum(after.accepted) - sum(before.accepted);
const serverAlerts = after.alerts - before.alerts;
const emitted = [...before.alertsEmitted, ...after.alertsEmitted];

// Alerts are matched one by one (session, server time, trigger). The server keeps scoring after
// the last event, so each receiver answers for what was sent at least GRACE_MS before it
// stopped looking; anything it holds that the server never sent is a duplicate or a forgery.
const GRACE_MS = 1_000;
const key = (a: { sessionId: string; at: number; trigger: string }) => `${a.sessionId} ${a.at} ${a.trigger}`;
function reconcile(received: { sessionId: string; at: number; trigger: string }[], lookedAt: (sessionId: string) => number) {
  const pending = new Map<string, number>();
  for (const e of emitted) pending.set(key(e), (pending.get(key(e)) ?? 0) + 1);
  let unknown = 0;
  for (const r of received) {
    const n = pending.get(key(r)) ?? 0;
    if (n === 0) unknown++;
    else pending.set(key(r), n - 1);
  }
  let missing = 0;
  const left = new Map(pending);
  for (const e of emitted) {
    const n = left.get(key(e)) ?? 0;
    if (n > 0 && e.emittedAt <= lookedAt(e.sessionId) - GRACE_MS) missing++;
    if (n > 0) left.set(key(e), n - 1);
  }
  return { missing, unknown };
}
const lookedAtOf = new Map(results.flatMap((r) => r.students.map((s) => [s.sessionId, r.reportedAt] as const)));
const atStudents = reconcile(
  studentsOut.flatMap((s) => s.alerts.map((a) => ({ sessionId: s.sessionId, at: a.at, trigger: a.trigger }))),
  (id) => lookedAtOf.get(id) ?? Number.NEGATIVE_INFINITY,
);
const atProctor = reconcile(proctorSeen, () => proctorLookedAt);

// Latencies: each alert caused by a focus loss, matched to that student's last loss sent before it arrived.
const bySession = new Map(studentsOut.map((s) => [s.sessionId, s]));
const lossBefore = (sessionId: string, t: number) => {
  const s = bySession.get(sessionId);
  const i = s ? s.lossSentAt.findLastIndex((x) => x <= t) : -1;
  return i < 0 ? null : s!.lossSentAt[i]!;
};
const toProctor: number[] = [];
let unmatched = 0;
for (const a of proctorSeen) {
  if (a.trigger !== 'focus_change') continue;
  const sentAt = lossBefore(a.sessionId, a.receivedAt);
  if (sentAt === null) unmatched++;
  else toProctor.push(a.receivedAt - sentAt);
}
const toStudent: number[] = [];
for (const s of studentsOut) {
  for (const a of s.alerts) {
    if (a.trigger !== 'focus_change') continue;
    const sentAt = lossBefore(s.sessionId, a.receivedAt);
    if (sentAt === null) unmatched++;
    else toStudent.push(a.receivedAt - sentAt);
  }
}
const intoServer: number[] = [];
const emittedAt = new Map<string, number>();
for (const e of emitted) {
  if (e.trigger !== 'focus_change') continue;
  emittedAt.set(`${e.sessionId} ${e.at}`, e.emittedAt);
  const sentAt = lossBefore(e.sessionId, e.emittedAt);
  if (sentAt !== null) intoServer.push(e.emittedAt - sentAt);
}
const outOfServer: number[] = [];
for (const s of studentsOut) {
  for (const a of s.alerts) {
    const at = emittedAt.get(`${s.sessionId} ${a.at}`);
    if (a.trigger === 'focus_change' && at !== undefined) outOfServer.push(a.receivedAt - at);
  }
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const pct = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? Number.NaN;
const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const spread = (xs: number[]) => `p50 ${ms(pct(xs, 0.5))}, p99 ${ms(pct(xs, 0.99))}, max ${ms(Math.max(...xs))} (n=${xs.length})`;
const p99 = pct(toProctor, 0.99);
const serverCpu = (after.cpuMicros - before.cpuMicros) / 1e6;
const clientCpu = results.reduce((a, r) => a + r.cpuMicros, 0) / 1e6;
const worst = (f: (r: ShareResult) => number) => Math.max(...results.map(f));
const meanLoad = loads.reduce((a, b) => a + b, 0) / loads.length;

console.log(`  events: sent ${sent} (${JSON.stringify(sentTotal)}), server accepted ${accepted}, refused ${after.refused - before.refused}, acked to students ${acked}`);
console.log(`  alerts: server sent ${serverAlerts}, students received ${studentAlerts}, proctor received ${proctorSeen.length} alerted risk_updates (of ${proctorUpdates} updates)${unmatched ? `, ${unmatched} UNMATCHED to a loss` : ''}; the windows keep scoring after the last event, so a student that stopped looking misses the latest`);
console.log(`  ALERT LATENCY ms, focus_change sent by a student -> alerted risk_update received by the proctor: ${spread(toProctor)}; target p99 <= ${TARGET_P99_MS}: ${toProctor.length === 0 ? 'no alert to measure' : p99 <= TARGET_P99_MS ? 'met' : 'NOT MET'}`);
console.log(`    the same alert to the student's own high_risk_alert: ${spread(toStudent)}`);
console.log(`    split: student send -> server done sending ${spread(intoServer)}; server done -> student received ${spread(outOfServer)}`);
console.log(`  server: CPU ${serverCpu.toFixed(1)} s over ${wall.toFixed(0)} s = ${((serverCpu / wall) * 100).toFixed(1)}% of one core; event-loop delay p50 ${ms(after.loopDelay.p50Ms)}, p99 ${ms(after.loopDelay.p99Ms)}, max ${ms(after.loopDelay.maxMs)} ms; RSS ${(after.rssBytes / 2 ** 20).toFixed(0)} MiB; attempts scored ${after.scored}`);
const stalls = after.stalls.filter((s) => s.at >= startAt).map((s) => `${((s.at - startAt) / 1000).toFixed(1)} s: ${s.lateMs.toFixed(0)}${s.waitedMs === null ? '' : `/${s.waitedMs.toFixed(0)}`}`);
const waitedFor = (a: { waitedMs: number } | null, b: { waitedMs: number } | null) => (a && b ? `${((b.waitedMs - a.waitedMs) / 1000).toFixed(1)} s` : 'n/a');
console.log(`    server main thread waited for a CPU (run queue) ${waitedFor(before.sched, after.sched)} of the ${wall.toFixed(0)} s`);
console.log(`    server loop stalls over 100 ms (time into the run: ms late/ms of it waiting for a CPU): ${stalls.length ? stalls.slice(0, 12).join(', ') + (stalls.length > 12 ? `, ... (${stalls.length} in all)` : '') : 'none'}`);
console.log(`  load generator: ${PROCS} processes, CPU ${clientCpu.toFixed(1)} s in all; event-loop delay p99 ${ms(worst((r) => r.loopDelay.p99Ms))}, max ${ms(worst((r) => r.loopDelay.maxMs))} ms (worst process); ticks fired late p99 ${ms(worst((r) => r.tickLateMs.p99))}, max ${ms(worst((r) => r.tickLateMs.max))} ms; waited for a CPU ${(results.reduce((a, r) => a + (r.sched?.waitedMs ?? 0), 0) / 1000).toFixed(1)} s in all`);
console.log(`  proctor process: event-loop delay p99 ${ms(proctorLoop.percentile(99) / 1e6)}, max ${ms(proctorLoop.max / 1e6)} ms; waited for a CPU ${waitedFor(proctorSchedBefore, proctorSchedAfter)}`);
console.log(`  machine: ${cpus().length} cores, 1-min load average during the run min ${Math.min(...loads).toFixed(1)}, mean ${meanLoad.toFixed(1)}, max ${Math.max(...loads).toFixed(1)}; some task waited for a CPU ${Number.isFinite(waited) ? `${(waited * 100).toFixed(0)}% of the time` : '(no /proc/pressure/cpu)'}`);
const lost = sent - accepted;
const alertsOk = atStudents.missing + atStudents.unknown + atProctor.missing + atProctor.unknown === 0 && emitted.length === serverAlerts;
console.log(
  lost === 0 && acked === sent && alertsOk
    ? `  nothing lost: every event accepted and acknowledged; every alert the server sent reached its student and the proctor (matched one by one; the last ${GRACE_MS / 1000} s before each stopped looking not asked for)`
    : `  LOST: ${lost} events not accepted, ${sent - acked} not acknowledged; alerts missing at students ${atStudents.missing}, at the proctor ${atProctor.missing}; received but never sent: ${atStudents.unknown + atProctor.unknown}; server counted ${serverAlerts}, stamped ${emitted.length}`,
);
console.log(
  `summary ${JSON.stringify({
    students: STUDENTS, seconds: SECONDS, phases: PHASES, procs: PROCS, sessions: OWN_SESSIONS ? 'own' : 'one', server: placement || 'default',
    p50: +ms(pct(toProctor, 0.5)), p99: +ms(p99), max: +ms(Math.max(...toProctor)), n: toProctor.length,
    serverCpuPct: +((serverCpu / wall) * 100).toFixed(1), serverWaitedS: before.sched && after.sched ? +((after.sched.waitedMs - before.sched.waitedMs) / 1000).toFixed(1) : null, serverLoopP99: +ms(after.loopDelay.p99Ms), serverLoopMax: +ms(after.loopDelay.maxMs),
    genLoopP99: +ms(worst((r) => r.loopDelay.p99Ms)), sent, accepted, acked, alertsSent: serverAlerts, studentAlerts, proctorAlerts: proctorSeen.length, alertsMissing: atStudents.missing + atProctor.missing,
    load: { min: Math.min(...loads), mean: +meanLoad.toFixed(1), max: Math.max(...loads) }, cpuWaitPct: +(waited * 100).toFixed(0),
  })}`,
);
// The server writes its profile, if asked for one, as it exits.
await Promise.race([new Promise((r) => server.once('exit', r)), new Promise((r) => setTimeout(r, 10_000))]);
process.exit(0);
