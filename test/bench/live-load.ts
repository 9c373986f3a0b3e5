/**
 * Loopback load test of the Socket.IO channel (`npm run bench:live`; not part of `npm test`):
 * N simulated students (default 1,000) each send a batch of keystrokes and mouse points every
 * 5 s for D seconds (default 120), and leave the exam window now and then, which the server
 * answers with high_risk_alert from the second time on. Prints the alert latency (from the
 * focus_change leaving the client to the alert arriving: p50, p99, max), the server's CPU
 * (its own process, as a share of one core) and the counts on both sides, so a lost event or
 * alert shows. Bounded: loopback only, N and D capped.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';

const STUDENTS = Math.min(2000, Number(process.env.LIVE_LOAD_STUDENTS ?? 1000));
const SECONDS = Math.min(300, Number(process.env.LIVE_LOAD_SECONDS ?? 120));
const PERIOD_MS = 5_000;
/** Every 4th tick of a student (staggered) is a focus loss; from the second, each is an alert (20 points each, lock at 100). */
const LOSS_EVERY = 4;

interface Student {
  socket: Socket;
  sent: Record<string, number>;
  acked: number;
  lossSentAt: number[];
  lossSentWall: number[];
  alerts: { at: number; score: number; trigger: string; serverAt: number }[];
}

// LIVE_LOAD_PROFILE=DIR writes a V8 CPU profile of the server there.
const profile = process.env.LIVE_LOAD_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.LIVE_LOAD_PROFILE] : [];
const child = spawn(process.execPath, [...profile, '--import', 'tsx', new URL('./live-load-server.ts', import.meta.url).pathname, String(STUDENTS)], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: child.stdout! });
const next = (prefix: string) =>
  new Promise<string>((resolve) => {
    const on = (l: string) => {
      if (!l.startsWith(prefix)) return;
      lines.off('line', on);
      resolve(l.slice(prefix.length));
    };
    lines.on('line', on);
  });
const serverStats = async () => {
  child.stdin!.write('stats\n');
  return JSON.parse(await next('stats ')) as { cpuMicros: number; loopDelay: { p99Ms: number; maxMs: number }; rssBytes: number; received: number; refused: number; alerts: number; accepted: Record<string, number>; scored: number };
};

const ready = JSON.parse(await next('ready ')) as { url: string; attempts: { sessionId: string; token: string }[] };
console.log(`live load: ${STUDENTS} students, one batch every ${PERIOD_MS / 1000} s for ${SECONDS} s, loopback ${ready.url}`);

const students: Student[] = [];
for (let i = 0; i < ready.attempts.length; i += 100) {
  const batch = ready.attempts.slice(i, i + 100).map(async ({ token }) => {
    const socket = io(ready.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    const s: Student = { socket, sent: {}, acked: 0, lossSentAt: [], lossSentWall: [], alerts: [] };
    socket.on('high_risk_alert', (a: { risk_score: number; trigger: string; at: number }) => s.alerts.push({ at: performance.now(), score: a.risk_score, trigger: a.trigger, serverAt: a.at }));
    await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('connect_error', reject));
    return s;
  });
  students.push(...(await Promise.all(batch)));
}
console.log(`  ${students.length} connected`);

const emit = (s: Student, event: string, payload: unknown) => {
  s.sent[event] = (s.sent[event] ?? 0) + 1;
  s.socket.emit(event, payload, (ack: { ok: boolean }) => {
    if (ack.ok) s.acked++;
  });
};

function tick(s: Student, n: number, index: number): void {
  const t = Date.now();
  const keys = Array.from({ length: 20 + (index % 10) }, (_, k) => ({ down: t + k * 180, up: t + k * 180 + 80 + (k % 5) * 6 }));
  emit(s, 'keystroke_data', keys);
  emit(s, 'mouse_data', Array.from({ length: 15 }, (_, k) => ({ x: 100 + k * 7, y: 200 + ((k * 13) % 40), t: t + k * 50 })));
  if ((n + index) % LOSS_EVERY === 0) {
    s.lossSentAt.push(performance.now());
    s.lossSentWall.push(Date.now());
    emit(s, 'focus_change', { focused: false });
    emit(s, 'focus_change', { focused: true });
  }
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const clientCpu = process.cpuUsage();
const before = await serverStats();
const started = performance.now();
const ticks = Math.floor(SECONDS / (PERIOD_MS / 1000));
await new Promise<void>((resolve) => {
  let done = 0;
  students.forEach((s, index) => {
    // Spread the students over the period, as real clocks would be.
    const offset = (index / students.length) * PERIOD_MS;
    let n = 0;
    const run = () => {
      tick(s, n, index);
      if (++n < ticks) setTimeout(run, started + offset + n * PERIOD_MS - performance.now());
      else if (++done === students.length) resolve();
    };
    setTimeout(run, offset);
  });
});
// Let the last acks, alerts and the last window arrive.
await new Promise((r) => setTimeout(r, 2_000));
const wall = (performance.now() - started) / 1000;
const after = await serverStats();

const sentTotal: Record<string, number> = {};
let acked = 0;
const latencies: number[] = [];
/** Client send -> server emit (same machine, same wall clock): the share of the latency spent before and in the server. */
const toServer: number[] = [];
let alertsReceived = 0;
let unmatched = 0;
for (const s of students) {
  for (const [k, v] of Object.entries(s.sent)) sentTotal[k] = (sentTotal[k] ?? 0) + v;
  acked += s.acked;
  alertsReceived += s.alerts.length;
  for (const a of s.alerts) {
    if (a.trigger !== 'focus_change') continue;
    const i = s.lossSentAt.findLastIndex((t) => t <= a.at);
    if (i < 0) unmatched++;
    else {
      latencies.push(a.at - s.lossSentAt[i]!);
      toServer.push(a.serverAt - s.lossSentWall[i]!);
    }
  }
  s.socket.disconnect();
}
child.stdin!.end();

latencies.sort((a, b) => a - b);
toServer.sort((a, b) => a - b);
const q = (p: number, xs = latencies) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]?.toFixed(1) ?? 'n/a';
const used = process.cpuUsage(clientCpu);
const sent = Object.values(sentTotal).reduce((a, b) => a + b, 0);
const accepted = Object.values(after.accepted).reduce((a, b) => a + b, 0) - Object.values(before.accepted).reduce((a, b) => a + b, 0);
const cpuSeconds = (after.cpuMicros - before.cpuMicros) / 1e6;
console.log(`  events: sent ${sent} (${JSON.stringify(sentTotal)}), server accepted ${accepted}, refused ${after.refused - before.refused}, acked to clients ${acked}`);
console.log(`  alerts: server sent ${after.alerts - before.alerts}, students received ${alertsReceived} (${latencies.length} after a focus loss${unmatched ? `, ${unmatched} unmatched` : ''})`);
console.log(`  alert latency ms (focus_change sent -> high_risk_alert received): p50 ${q(0.5)}, p99 ${q(0.99)}, max ${latencies.at(-1)?.toFixed(1) ?? 'n/a'} (target p99 <= 200)`);
console.log(`  of which client send -> server emit: p50 ${q(0.5, toServer)}, p99 ${q(0.99, toServer)} ms (wall clock, 1 ms resolution)`);
console.log(`  load generator (${STUDENTS} socket.io clients in one process): CPU ${((used.user + used.system) / 1e6).toFixed(1)} s, event-loop delay p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms`);
console.log(`  server CPU ${cpuSeconds.toFixed(1)} s over ${wall.toFixed(0)} s = ${((cpuSeconds / wall) * 100).toFixed(1)}% of one core; RSS ${(after.rssBytes / 2 ** 20).toFixed(0)} MiB; attempts scored ${after.scored}`);
console.log(`  server event-loop delay during the run: p99 ${after.loopDelay.p99Ms.toFixed(0)} ms, max ${after.loopDelay.maxMs.toFixed(0)} ms; machine load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
const lost = sent - accepted;
console.log(lost === 0 && acked === sent && alertsReceived === after.alerts - before.alerts ? '  nothing lost: every event accepted and acknowledged, every alert delivered' : `  LOST: ${lost} events not accepted, ${sent - acked} not acknowledged, ${after.alerts - before.alerts - alertsReceived} alerts not delivered`);
process.exit(0);
