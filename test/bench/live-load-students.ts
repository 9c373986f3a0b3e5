// One share of the live load test's simulated students, in its own process so that no single
// event loop carries all 1,000 socket.io clients (and so the generator's own stalls show as its
// event-loop delay instead of hiding in the latency). Protocol on stdin/stdout, one JSON line
// each: `plan` in, `connected` out, `go` in, `result` out, `end` in.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';
import { hrMs, schedstat, type ShareResult, type StudentPlan, type StudentResult } from './live-load-protocol';

interface Student extends StudentResult {
  socket: Socket;
  phaseMs: number;
}

const lines = createInterface({ input: process.stdin });
const next = () => new Promise<string>((resolve) => lines.once('line', resolve));
const say = (kind: string, body: unknown) => process.stdout.write(`${kind} ${JSON.stringify(body)}\n`);

const plan = JSON.parse(await next()) as StudentPlan;
const students: Student[] = [];
// A few at a time: 250 handshakes at once would time out on a loaded machine.
for (let i = 0; i < plan.students.length; i += 50) {
  const batch = plan.students.slice(i, i + 50).map(async ({ index, sessionId, token, phaseMs }) => {
    const socket = io(plan.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    const s: Student = { index, sessionId, socket, phaseMs, sent: {}, acked: 0, lossSentAt: [], alerts: [] };
    socket.on('high_risk_alert', (a: { trigger: string; at: number }) => s.alerts.push({ receivedAt: hrMs(), trigger: a.trigger, at: a.at }));
    await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('connect_error', reject));
    return s;
  });
  students.push(...(await Promise.all(batch)));
}
say('connected', students.length);

const emit = (s: Student, event: string, payload: unknown) => {
  s.sent[event] = (s.sent[event] ?? 0) + 1;
  s.socket.emit(event, payload, (ack: { ok: boolean }) => {
    if (ack.ok) s.acked++;
  });
};

function tick(s: Student, n: number): void {
  const t = Date.now();
  const keys = Array.from({ length: 20 + (s.index % 10) }, (_, k) => ({ down: t + k * 180, up: t + k * 180 + 80 + (k % 5) * 6 }));
  emit(s, 'keystroke_data', keys);
  emit(s, 'mouse_data', Array.from({ length: 15 }, (_, k) => ({ x: 100 + k * 7, y: 200 + ((k * 13) % 40), t: t + k * 50 })));
  if ((n + s.index) % plan.lossEvery === 0) {
    s.lossSentAt.push(hrMs());
    emit(s, 'focus_change', { focused: false });
    emit(s, 'focus_change', { focused: true });
  }
}

const { startAt } = JSON.parse(await next()) as { startAt: number };
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const cpu = process.cpuUsage();
const schedBefore = schedstat();
const late: number[] = [];
await new Promise<void>((resolve) => {
  let done = 0;
  for (const s of students) {
    let n = 0;
    const due = () => startAt + s.phaseMs + n * plan.periodMs;
    const run = () => {
      late.push(hrMs() - due());
      tick(s, n);
      if (++n < plan.ticks) setTimeout(run, Math.max(0, due() - hrMs()));
      else if (++done === students.length) resolve();
    };
    setTimeout(run, Math.max(0, due() - hrMs()));
  }
});
// The last acks and alerts of this share.
await new Promise((r) => setTimeout(r, 3_000));
const used = process.cpuUsage(cpu);
const schedAfter = schedstat();
loop.disable();
late.sort((a, b) => a - b);
const result: ShareResult = {
  reportedAt: hrMs(),
  students: students.map(({ index, sessionId, sent, acked, lossSentAt, alerts }) => ({ index, sessionId, sent, acked, lossSentAt, alerts })),
  cpuMicros: used.user + used.system,
  loopDelay: { p50Ms: loop.percentile(50) / 1e6, p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6 },
  sched: schedBefore && schedAfter ? { ranMs: schedAfter.ranMs - schedBefore.ranMs, waitedMs: schedAfter.waitedMs - schedBefore.waitedMs } : null,
  tickLateMs: { p99: late[Math.floor(late.length * 0.99)] ?? 0, max: late.at(-1) ?? 0 },
};
say('result', result);
await next();
for (const s of students) s.socket.disconnect();
process.exit(0);
