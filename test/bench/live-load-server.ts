// The exam server alone in its own process for the live load test: registers N students,
// prints their tokens, and answers "stats" on stdin with its CPU time, its event-loop delay
// since the last "stats", what it counted, and when it sent each alert.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ExamServer } from '../../src-server/exam-server';
import { register, startServerWithDemoExam } from '../exam-server-fixture';
import { hrMs, schedstat, type ServerStats } from './live-load-protocol';

const n = Number(process.argv[2] ?? 1000);
const students = Array.from({ length: n }, (_, i) => `student-${String(i).padStart(4, '0')}`);
// On disk as a real server keeps it (WAL, synchronous=FULL): the live record's batched writes
// and their fsyncs run on the same event loop as the alerts. LIVE_LOAD_DATA=memory for none.
const dataDir = process.env.LIVE_LOAD_DATA === 'memory' ? undefined : mkdtempSync(path.join(tmpdir(), 'vigil-live-load-'));
const { server, roster } = await startServerWithDemoExam({ students, ...(dataDir ? { dataDir } : {}) });
const attempts: { sessionId: string; token: string }[] = [];
for (const id of students) {
  const a = await register(server, id, roster.codes[id]!);
  attempts.push({ sessionId: a.sessionId, token: a.token });
}
const emitted: ServerStats['alertsEmitted'] = [];
// Registered after the proctor view's listener, so the stamp falls after both sends.
server.live.onRiskChange((c) => {
  if (c.alerted) emitted.push({ sessionId: c.sessionId, trigger: c.trigger, at: c.at, emittedAt: hrMs() });
});
console.log(`ready ${JSON.stringify({ url: server.url, attempts, storage: dataDir ? `SQLite on disk in ${tmpdir()}` : 'SQLite in memory' })}`);
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
// The histogram says how late; this says when, to line a stall up with what the run was doing.
const stalls: ServerStats['stalls'] = [];
let expected = hrMs() + 20;
let lastSched = schedstat();
setInterval(() => {
  const now = hrMs();
  const sched = schedstat();
  if (now - expected > 100) stalls.push({ at: now, lateMs: now - expected, waitedMs: sched && lastSched ? sched.waitedMs - lastSched.waitedMs : null });
  expected = now + 20;
  lastSched = sched;
}, 20);

function stats(s: ExamServer): ServerStats {
  const cpu = process.cpuUsage();
  const total = { received: 0, refused: 0, alerts: 0, accepted: {} as Record<string, number> };
  for (const a of attempts) {
    const c = s.live.counts(a.sessionId);
    if (!c) continue;
    total.received += c.received;
    total.refused += c.refused;
    total.alerts += c.alerts;
    for (const [k, v] of Object.entries(c.accepted)) total.accepted[k] = (total.accepted[k] ?? 0) + v;
  }
  const loopDelay = { p50Ms: loop.percentile(50) / 1e6, p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6 };
  loop.reset();
  const alertsEmitted = emitted.splice(0);
  return { sched: schedstat(), stalls: stalls.splice(0), cpuMicros: cpu.user + cpu.system, loopDelay, rssBytes: process.memoryUsage().rss, scored: s.scorer.size, alertsEmitted, ...total };
}

process.stdin.setEncoding('utf8').on('data', (line: string) => {
  if (line.trim() === 'stats') console.log(`stats ${JSON.stringify(stats(server))}`);
});
process.stdin.on('end', () =>
  void server.close().then(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }),
);
