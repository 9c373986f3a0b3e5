/**
 * Keyed audit chain benchmark (printed by `npm run bench`, never asserted): the extra cost of
 * a keyed append over main's plain hash chain, verifying 100,000 rows, restoring a 50,000-row
 * attempt. Times are process CPU time (other programs on a shared machine do not count
 * against it; the wall clock is printed beside it). Appends run in memory, so fsync (the
 * same for both) does not hide the difference.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AuditStore } from '../../src-main/audit/audit-store';
import { canonicalJson } from '../../src-main/audit/canonical-json';
import { GENESIS_HASH, rowHash } from '../../src-main/audit/hash-chain';
import { evolveKey, tagFor } from '../../src-main/audit/keyed-chain';
import { applyMigrations } from '../../src-main/audit/schema-version';
import { KEY_ERASE_ROWS } from '../../src-main/audit/store-context';
import { PolicySchema } from '../../src-main/contract';
import { checkAuditPayload } from '../../src-main/contract/audit-rows';
import { restoreAttempt } from '../../src-main/session/attempt-restore';
import { startedPayload } from '../audit-payloads';

const K0 = Buffer.alloc(32, 3);
const payload = { what: 'bench', message: 'x'.repeat(80) };

interface Timing {
  cpuMs: number;
  wallMs: number;
}

function timed(fn: () => void): Timing {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  fn();
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - wall0 };
}

/** The lowest of `rounds` runs: the least disturbed by other programs. */
function best(rounds: number, fn: () => void): Timing {
  let b: Timing = { cpuMs: Infinity, wallMs: Infinity };
  for (let r = 0; r < rounds; r++) {
    const t = timed(fn);
    if (t.cpuMs < b.cpuMs) b = t;
  }
  return b;
}

const perRowUs = (t: Timing, n: number) => ({ cpu: (t.cpuMs * 1000) / n, wall: (t.wallMs * 1000) / n });

/**
 * The append as main had it before the key (AuditStore.append then): schema check, canonical
 * JSON, then head, hash, insert and head update in one transaction.
 */
function plainAppend(n: number): void {
  const db = new Database(':memory:');
  applyMigrations(db);
  for (let i = 0; i < n; i++) {
    const text = canonicalJson(payload);
    if (!checkAuditPayload('error', payload).ok) throw new Error('bench payload does not fit');
    db.transaction(() => {
      const head = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
      const seq = (head?.seq ?? 0) + 1;
      const prev = head?.hash ?? GENESIS_HASH;
      const hash = rowHash({ seq, at: i, kind: 'error', payload: text, prevHash: prev });
      db.prepare('INSERT INTO audit (seq, at, kind, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)').run(seq, i, 'error', text, prev, hash);
      db.prepare('INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash').run(seq, hash);
    }).immediate();
  }
  db.close();
}

function keyedAppend(n: number): void {
  const store = AuditStore.open(':memory:', { now: () => 1 });
  store.startAttempt(startedPayload('bench'), { k0: K0 });
  for (let i = 0; i < n; i++) store.append('error', payload);
  store.close();
}

/** Only what the key adds per row: read the key, tag, evolve, write the key back. */
function keyWork(n: number): void {
  const db = new Database(':memory:');
  applyMigrations(db);
  db.prepare('INSERT INTO chain_key (id, key_index, key, sealed_from) VALUES (1, 0, ?, 1)').run(K0);
  const read = db.prepare('SELECT key FROM chain_key WHERE id = 1');
  const write = db.prepare('UPDATE chain_key SET key_index = ?, key = ? WHERE id = 1');
  const hash = 'ab'.repeat(32);
  for (let i = 0; i < n; i++) {
    const { key } = read.get() as { key: Buffer };
    tagFor(key, hash);
    write.run(i + 1, evolveKey(key));
  }
  db.close();
}

/** Fills a store quickly: one transaction, no fsync (seeding only). */
function seed(file: string, rows: number, append: (store: AuditStore, i: number) => void): void {
  const store = AuditStore.open(file, { now: () => 1 });
  store.startAttempt(startedPayload('bench'), { k0: K0 });
  const db = (store as unknown as { ctx: { db: Database.Database } }).ctx.db;
  db.pragma('synchronous = OFF');
  db.transaction(() => {
    for (let i = 1; i < rows; i++) append(store, i);
  })();
  store.close();
}

const N = 20_000;
const plain = perRowUs(best(3, () => plainAppend(N)), N);
const keyed = perRowUs(best(3, () => keyedAppend(N)), N);
const work = perRowUs(best(3, () => keyWork(N)), N);
console.log(
  `audit append (CPU µs/row): main's plain chain ${plain.cpu.toFixed(1)}, keyed ${keyed.cpu.toFixed(1)}: ` +
    `${(keyed.cpu - plain.cpu).toFixed(1)} more (target <= 20); the key work alone (read, tag, evolve, write) ${work.cpu.toFixed(1)} ` +
    `[wall: ${plain.wall.toFixed(1)} / ${keyed.wall.toFixed(1)} / ${work.wall.toFixed(1)}]`,
);

/**
 * On disk, as the exam writes: every append commits with fsync, and every KEY_ERASE_ROWS
 * replaced keys the WAL is truncated so no old key stays in it (store-context.ts). Wall time,
 * since fsync is waiting, not CPU; the erasure's share is timed around it.
 */
function diskAppend(n: number): { perRowUs: number; erasureUs: number } {
  const fileDir = mkdtempSync(join(tmpdir(), 'vigil-bench-disk-'));
  try {
    const store = AuditStore.open(join(fileDir, 'disk.sqlite'), { now: () => 1 });
    store.startAttempt(startedPayload('bench'), { k0: K0 });
    const ctx = (store as unknown as { ctx: { eraseReplacedSecrets: () => boolean } }).ctx;
    const erase = ctx.eraseReplacedSecrets.bind(ctx);
    let erasureNs = 0n;
    ctx.eraseReplacedSecrets = () => {
      const t = process.hrtime.bigint();
      try {
        return erase();
      } finally {
        erasureNs += process.hrtime.bigint() - t;
      }
    };
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) store.append('error', payload);
    const totalNs = process.hrtime.bigint() - t0;
    store.close();
    return { perRowUs: Number(totalNs) / 1000 / n, erasureUs: Number(erasureNs) / 1000 / n };
  } finally {
    rmSync(fileDir, { recursive: true, force: true });
  }
}

const disk = [diskAppend(2000), diskAppend(2000), diskAppend(2000)].sort((a, b) => a.perRowUs - b.perRowUs)[1]!;
console.log(
  `audit append on disk (wall µs/row, fsync per row, median of 3 x 2,000): ${disk.perRowUs.toFixed(0)}, ` +
    `of which the key erasure (WAL truncated every ${KEY_ERASE_ROWS} keys) ${disk.erasureUs.toFixed(0)}`,
);

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
try {
  const file = join(dir, 'verify.sqlite');
  seed(file, 100_000, (s, i) => s.append('risk_changed', { from: 0, to: i % 50, level: 'low', reasons: [], warning: null }));
  const store = AuditStore.open(file, { readonly: true });
  let ok = true;
  const chainOnly = best(2, () => {
    ok &&= store.verify().ok;
  });
  const withTags = best(2, () => {
    ok &&= store.verify(K0).ok;
  });
  store.close();
  console.log(
    `audit verify 100,000 rows (CPU ms): hash chain ${chainOnly.cpuMs.toFixed(0)}, with every tag checked from K_0 ${withTags.cpuMs.toFixed(0)} ` +
      `(target < 1000) [wall: ${chainOnly.wallMs.toFixed(0)} / ${withTags.wallMs.toFixed(0)}]${ok ? '' : ' VERIFY FAILED'}`,
  );

  const file2 = join(dir, 'restore.sqlite');
  seed(file2, 50_000, (s, i) =>
    i % 10 === 0 ? s.saveAnswer({ questionId: `q${i % 7}`, value: `answer ${i}` }) : s.append('integrity_event', { kind: 'focus_lost', at: i, message: '' }),
  );
  const policy = PolicySchema.parse({ schemaVersion: 1 });
  let intact = true;
  const restore = best(2, () => {
    const s = AuditStore.open(file2, { now: () => 1 });
    const inspection = s.inspect();
    const evidence = s.evidenceProblems();
    intact &&= inspection.unacknowledged === null && evidence.answers.length === 0 && restoreAttempt(s, policy) !== null;
    s.close();
  });
  console.log(
    `audit restore of a 50,000-row attempt (open, chain walk, answer/outbox/state checks, ledger replay; CPU ms): ` +
      `${restore.cpuMs.toFixed(0)} (target < 1000) [wall: ${restore.wallMs.toFixed(0)}]${intact ? '' : ' RESTORE FOUND PROBLEMS'}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
