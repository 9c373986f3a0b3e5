import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../../src-main/audit/audit-store';
import { GENESIS_HASH, rowHash } from '../../../src-main/audit/hash-chain';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src-main/audit/migrations';
import { applyMigrations, VIGIL_APPLICATION_ID } from '../../../src-main/audit/schema-version';
import { flagPayload } from '../../audit-payloads';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-migrate-'));
  file = join(dir, 'old.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A database as schema `version` left it, with two chained rows and an answer. */
function seedAtVersion(version: number): void {
  const db = new Database(file);
  applyMigrations(db, MIGRATIONS.filter((m) => m.version <= version));
  let prev = GENESIS_HASH;
  for (const seq of [1, 2]) {
    const payload = `{"seq":${seq}}`;
    const hash = rowHash({ seq, at: 1000 + seq, kind: 'package_scored', payload, prevHash: prev });
    db.prepare('INSERT INTO audit (seq, at, kind, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)').run(seq, 1000 + seq, 'package_scored', payload, prev, hash);
    db.prepare('INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash').run(seq, hash);
    prev = hash;
  }
  db.prepare("INSERT INTO answers VALUES ('q1', 'kept across the upgrade', 1002, 1)").run();
  db.close();
}

describe('migrations', () => {
  it('are numbered in steps of 10, strictly increasing', () => {
    MIGRATIONS.forEach((m, i) => expect(m.version).toBe((i + 1) * 10));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.at(-1)!.version);
  });

  it('every migration runs on a fresh file and marks it as Vigil', () => {
    const db = new Database(file);
    expect(applyMigrations(db)).toBe(SCHEMA_VERSION);
    expect(db.pragma('application_id', { simple: true })).toBe(VIGIL_APPLICATION_ID);
    // Running again is a no-op.
    expect(applyMigrations(db)).toBe(SCHEMA_VERSION);
    db.close();
  });

  for (const from of MIGRATIONS.slice(0, -1)) {
    it(`upgrades a database at schema ${from.version} to ${SCHEMA_VERSION}, keeping its rows and chain`, () => {
      seedAtVersion(from.version);
      const before = new Database(file, { readonly: true });
      expect(before.pragma('user_version', { simple: true })).toBe(from.version);
      before.close();

      const store = AuditStore.open(file, { now: () => 5000 });
      expect(store.settings().schemaVersion).toBe(SCHEMA_VERSION);
      expect(store.verify()).toEqual({ ok: true, rows: 2 });
      expect(store.answers()).toEqual([{ questionId: 'q1', value: 'kept across the upgrade', savedAt: 1002, revision: 1 }]);
      // The new outbox works and the chain continues.
      const entry = store.append('flag_raised', flagPayload(1), { path: '/api/flagged-activity/s/u', body: { n: 1 } });
      expect(entry.seq).toBe(3);
      expect(store.outboxCounts()).toEqual({ pending: 1, delivered: 0, rejected: 0 });
      expect(store.verify()).toEqual({ ok: true, rows: 4 }); // the upload's upload_queued row is the fourth
      store.close();
    });

    it(`read-only inspection of schema ${from.version} verifies without upgrading`, () => {
      seedAtVersion(from.version);
      const store = AuditStore.open(file, { readonly: true });
      expect(store.verify()).toEqual({ ok: true, rows: 2 });
      if (from.version < 20) {
        expect(() => store.outboxCounts()).toThrow(/has no outbox; open it with the app once to upgrade it/);
      } else if (from.version < 30) {
        expect(() => store.loadEngineState('detection')).toThrow(/has no engine state; open it with the app once/);
      } else {
        // Schema 30 has no keyed chain: its rows are reported untagged, and nothing is written.
        expect(store.inspect().untaggedRows).toBe(2);
      }
      store.close();
      const after = new Database(file, { readonly: true });
      expect(after.pragma('user_version', { simple: true })).toBe(from.version);
      after.close();
    });
  }

  it('a failing migration leaves the file at the last whole version', () => {
    const db = new Database(file);
    const broken = [MIGRATIONS[0]!, { version: 20, name: 'broken', up: (d: Database.Database) => d.exec('CREATE TABLE x (a INTEGER) STRICT; SELECT nope FROM nowhere;') }];
    expect(() => applyMigrations(db, broken)).toThrow(/no such table: nowhere/);
    expect(db.pragma('user_version', { simple: true })).toBe(10);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'x'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('schema 40 keys the chain of an attempt from schema 30: old rows stay untagged, new ones are sealed, the key table is STRICT', () => {
    seedAtVersion(30);
    const store = AuditStore.open(file, { now: () => 5000 });
    const entry = store.append('error', { what: 'after the upgrade', message: 'sealed' });
    expect(entry.seq).toBe(3);
    expect(entry.tag).toMatch(/^[0-9a-f]{64}$/);
    expect(store.inspect()).toMatchObject({ rows: 3, untaggedRows: 2, unacknowledged: null, acknowledged: [] });
    expect(store.keyInStep()).toBe(true);
    store.close();
    const db = new Database(file);
    expect(db.prepare("SELECT strict FROM pragma_table_list WHERE name = 'chain_key'").get()).toEqual({ strict: 1 });
    expect(db.prepare('SELECT key_index, length(key) AS n FROM chain_key').get()).toEqual({ key_index: 3, n: 32 });
    // A key of the wrong length, or a tag that is not a digest, is refused by the schema itself.
    expect(() => db.prepare('UPDATE chain_key SET key = ?').run(Buffer.alloc(5))).toThrow(/CHECK constraint/);
    db.exec('DROP TRIGGER audit_no_update');
    expect(() => db.prepare("UPDATE audit SET tag = 'short' WHERE seq = 3").run()).toThrow(/CHECK constraint/);
    // A tag removed from a sealed row is a break, not a legacy row.
    db.prepare('UPDATE audit SET tag = NULL WHERE seq = 3').run();
    db.close();
    const again = AuditStore.open(file, { readonly: true });
    expect(again.verify()).toMatchObject({ ok: false, firstBrokenSeq: 3, reason: expect.stringMatching(/no tag/) });
    again.close();
  });
});
