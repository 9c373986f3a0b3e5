// The exam server alone in its own process for the live load test: registers N students,
// prints their tokens, and answers "stats" on stdin with its CPU time and what it counted.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ExamServer } from '../../src-server/exam-server';
import { register, startServerWithDemoExam } from '../exam-server-fixture';

const n = Number(process.argv[2] ?? 1000);
const students = Array.from({ length: n }, (_, i) => `student-${String(i).padStart(4, '0')}`);
const { server, roster } = await startServerWithDemoExam({ students });
const attempts: { sessionId: string; token: string }[] = [];
for (const id of students) {
  const a = await register(server, id, roster.codes[id]!);
  attempts.push({ sessionId: a.sessionId, token: a.token });
}
console.log(`ready ${JSON.stringify({ url: server.url, attempts })}`);
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

function stats(s: ExamServer) {
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
  const loopDelay = { p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6 };
  loop.reset();
  return { cpuMicros: cpu.user + cpu.system, loopDelay, rssBytes: process.memoryUsage().rss, scored: s.scorer.size, ...total };
}

process.stdin.setEncoding('utf8').on('data', (line: string) => {
  if (line.trim() === 'stats') console.log(`stats ${JSON.stringify(stats(server))}`);
});
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
