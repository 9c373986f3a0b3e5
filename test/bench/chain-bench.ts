/**
 * Keyed audit chain benchmark (printed by `npm run bench`, never asserted): the extra cost of
 * a keyed append over the plain hash chain, verifying 100,000 rows, restoring 50,000 rows.
 * Both appends run in memory, so fsync (the same for both) does not hide the difference.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AuditStore } from '../../src-main/audit/audit-store';
import { GENESIS_HASH, rowHash } from '../../src-main/audit/hash-chain';
import { applyMigrations } from '../../src-main/audit/schema-version';
import { PolicySchema } from '../../src-main/contract';
import { restoreAttempt } from '../../src-main/session/attempt-restore';
import { startedPayload } from '../audit-payloads';

const K0 = Buffer.alloc(32, 3);
const payload = { what: 'bench', message: 'x'.repeat(80) };

/** The append as it was before the key: head, hash, insert, head update, one transaction. */
function plainAppendUs(n: number): number {
  const db = new Database(':memory:');
  applyMigrations(db);
  const text = JSON.stringify(payload);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    db.transaction(() => {
      const head = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
      const seq = (head?.seq ?? 0) + 1;
      const prev = head?.hash ?? GENESIS_HASH;
      const hash = rowHash({ seq, at: i, kind: 'error', payload: text, prevHash: prev });
      db.prepare('INSERT INTO audit (seq, at, kind, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)').run(seq, i, 'error', text, prev, hash);
      db.prepare('INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash').run(seq, hash);
    }).immediate();
  }
  const us = ((performance.now() - t0) * 1000) / n;
  db.close();
  return us;
}

function keyedAppendUs(n: number): number {
  const store = AuditStore.open(':memory:', { now: () => 1 });
  store.startAttempt(startedPayload('bench'), { k0: K0 });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) store.append('error', payload);
  const us = ((performance.now() - t0) * 1000) / n;
  store.close();
  return us;
}

function best(fn: () => number, rounds: number): number {
  let b = Infinity;
  for (let r = 0; r < rounds; r++) b = Math.min(b, fn());
  return b;
}

const plain = best(() => plainAppendUs(20_000), 3);
const keyed = best(() => keyedAppendUs(20_000), 3);
console.log(`audit append: plain chain ${plain.toFixed(1)} µs/row, keyed ${keyed.toFixed(1)} µs/row, keyed costs ${(keyed - plain).toFixed(1)} µs/row more (target <= 20)`);

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
try {
  const file = join(dir, 'attempt.sqlite');
  const store = AuditStore.open(file, { now: () => 1 });
  store.startAttempt(startedPayload('bench'), { k0: K0 });
  const db = (store as unknown as { ctx: { db: Database.Database } }).ctx.db;
  db.pragma('synchronous = OFF'); // seeding only: 100,000 fsyncs would take minutes
  db.transaction(() => {
    for (let i = 1; i < 100_000; i++) store.append('risk_changed', { from: 0, to: i % 50, level: 'low', reasons: [], warning: null });
  })();
  let t0 = performance.now();
  const plainOk = store.verify().ok;
  const verifyMs = performance.now() - t0;
  t0 = performance.now();
  const keyedOk = store.verify(K0).ok;
  const verifyKeyedMs = performance.now() - t0;
  console.log(`audit verify 100,000 rows: hash chain ${verifyMs.toFixed(0)} ms (${plainOk ? 'ok' : 'BROKEN'}), with every tag from K_0 ${verifyKeyedMs.toFixed(0)} ms (${keyedOk ? 'ok' : 'BROKEN'}) (target < 1000)`);
  store.close();

  const file2 = join(dir, 'restore.sqlite');
  const s2 = AuditStore.open(file2, { now: () => 1 });
  s2.startAttempt(startedPayload('bench'), { k0: K0 });
  (s2 as unknown as { ctx: { db: Database.Database } }).ctx.db.pragma('synchronous = OFF');
  (s2 as unknown as { ctx: { db: Database.Database } }).ctx.db.transaction(() => {
    for (let i = 1; i < 50_000; i++) s2.append('integrity_event', { kind: 'focus_lost', at: i, message: '' });
  })();
  s2.close();
  t0 = performance.now();
  const s3 = AuditStore.open(file2, { now: () => 1 });
  const inspection = s3.inspect();
  const evidence = s3.evidenceProblems();
  const restored = restoreAttempt(s3, PolicySchema.parse({ schemaVersion: 1 }));
  const restoreMs = performance.now() - t0;
  s3.close();
  console.log(
    `audit restore of a 50,000-row attempt (open, chain walk, evidence checks, ledger replay): ${restoreMs.toFixed(0)} ms ` +
      `(${inspection.unacknowledged || evidence.answers.length ? 'FINDINGS' : 'intact'}, session ${restored?.sessionId}) (target < 1000)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
