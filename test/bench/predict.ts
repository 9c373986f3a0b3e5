/**
 * `/predict` throughput (printed by `npm run bench`): the server runs alone in a child
 * process with its rate limit lifted, autocannon drives it over loopback with the seed's
 * example body (a new sample_id on every request, so every one builds a subject and its
 * detectors, the worst case), and the rate is given per second of the SERVER's CPU time,
 * which is what "on one core" means on a machine shared with other work. Node serves a
 * port on one thread, so wall-clock and CPU rates are both printed.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { SEED_PREDICT_BODY } from '../seed-predict-body';

const SEED_BODY = { ...SEED_PREDICT_BODY, sample_id: 'bench-[<id>]' };

export async function benchPredict(seconds = 10): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./predict-server.ts', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
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
  const url = await next('url ');
  const cpuOf = async () => {
    child.stdin!.write('cpu\n');
    const [cpu, , subjects] = (await next('cpu ')).split(' ');
    return { micros: Number(cpu), subjects: Number(subjects) };
  };
  // Warm the JIT, then measure.
  await autocannon({ url: `${url}/predict`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(SEED_BODY), idReplacement: true, connections: 20, duration: 2 });
  const before = await cpuOf();
  const result = await autocannon({
    url: `${url}/predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(SEED_BODY),
    idReplacement: true,
    connections: 50,
    pipelining: 1,
    duration: seconds,
  });
  const after = await cpuOf();
  child.stdin!.end();
  const ok = result['2xx'];
  const cpuSeconds = (after.micros - before.micros) / 1e6;
  console.log('/predict over loopback (autocannon, 50 connections, seed example body, a new sample_id per request)');
  console.log(
    `  ${ok} answered 200 in ${seconds} s: ${(ok / seconds).toFixed(0)} req/s wall clock, ` +
      `${(ok / cpuSeconds).toFixed(0)} req/s per second of server CPU (target >= 5,000); ` +
      `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`,
  );
  console.log(`  latency ms: p50 ${result.latency.p50}, p99 ${result.latency.p99}, max ${result.latency.max}; subjects kept (LRU bound 10,000): ${after.subjects}`);
}
