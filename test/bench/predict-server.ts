// The exam server alone in its own process for the /predict bench: prints its URL, and
// answers "cpu" on stdin with its own CPU time so the bench counts server work only.
import { startExamServer } from '../../src-server/exam-server';

const server = await startExamServer({ predictRateLimit: { perSecond: 1_000_000_000 } });
console.log(`url ${server.url}`);
process.stdin.setEncoding('utf8').on('data', (line: string) => {
  if (line.trim() === 'cpu') {
    const u = process.cpuUsage();
    console.log(`cpu ${u.user + u.system} subjects ${server.scorer.size}`);
  }
});
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
