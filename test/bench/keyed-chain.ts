/**
 * Keyed chain cost (printed by `npm run bench`): what sealing adds to each audit row (one
 * HMAC for the tag, one to evolve the key) next to the row's SHA-256, and what the server
 * pays to verify a checkpoint far from the last one (one HMAC per row in between). Times
 * are process CPU time, so other programs on a shared machine do not count against them.
 */
import { GENESIS_HASH, rowHash } from '../../src-main/audit/hash-chain';
import { evolveKey, tagFor, verifyCheckpoint, type Checkpoint } from '../../src-main/audit/keyed-chain';

function cpuMicros(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

function hashRows(rows: number): string[] {
  const hashes: string[] = [];
  let prev = GENESIS_HASH;
  for (let i = 0; i < rows; i++) {
    prev = rowHash({ seq: i + 1, at: 1_700_000_000_000 + i, kind: 'package_scored', payload: '{"level":"clean","p":0.1}', prevHash: prev });
    hashes.push(prev);
  }
  return hashes;
}

function seal(k0: Buffer, hashes: string[]): Checkpoint[] {
  let key = k0;
  return hashes.map((hash, i) => {
    const cp = { seq: i + 1, hash, tag: tagFor(key, hash) };
    key = evolveKey(key);
    return cp;
  });
}

export function benchKeyedChain(): void {
  const rows = 100_000;
  const k0 = Buffer.alloc(32, 1);
  seal(k0, hashRows(5000)); // warm-up
  let hashes: string[] = [];
  const hashUs = cpuMicros(() => (hashes = hashRows(rows))) / rows;
  let sealed: Checkpoint[] = [];
  const sealUs = cpuMicros(() => (sealed = seal(k0, hashes))) / rows;
  let ok = false;
  const verifyMs = cpuMicros(() => (ok = verifyCheckpoint({ index: 0, key: k0 }, sealed[rows - 1]!).ok)) / 1000;
  console.log('keyed audit chain');
  console.log(`  row hash (SHA-256 over canonical JSON): ${hashUs.toFixed(2)} µs/row; keyed seal added (tag + key evolution): ${sealUs.toFixed(2)} µs/row (target <= 20)`);
  console.log(`  server: one checkpoint ${rows.toLocaleString('en')} rows past K_0 verified in ${verifyMs.toFixed(0)} ms CPU (${ok ? 'ok' : 'FAILED'})`);
}
