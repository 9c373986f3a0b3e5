import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore, AuditStoreError } from '../../../src-main/audit/audit-store';
import { sha256Hex } from '../../../src-main/audit/hash-chain';
import { SCHEMA_VERSION } from '../../../src-main/audit/migrations';
import { tamper } from './tamper';
import { flagPayload, scoredPayload, submissionPayload } from '../../audit-payloads';

let dir: string;
let file: string;
let clock: number;
const now = () => clock;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-audit-'));
  file = join(dir, 'attempt.db');
  clock = 1_700_000_000_000;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function seeded(rows = 5): AuditStore {
  const store = AuditStore.open(file, { now });
  for (let i = 0; i < rows; i++) {
    clock += 1000;
    store.append('package_scored', scoredPayload(i, i / 10));
  }
  return store;
}

function openError(path: string, opts?: { readonly?: boolean }): AuditStoreError {
  try {
    AuditStore.open(path, opts).close();
  } catch (error) {
    expect(error).toBeInstanceOf(AuditStoreError);
    return error as AuditStoreError;
  }
  throw new Error('expected open to fail');
}

describe('AuditStore: opening', () => {
  it('creates a WAL database with synchronous=FULL at the current schema', () => {
    const store = AuditStore.open(file);
    expect(store.settings()).toEqual({ journalMode: 'wal', synchronous: 2, schemaVersion: SCHEMA_VERSION });
    store.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const strict = raw.prepare("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name IN ('audit','answers','outbox','audit_head')").all();
    raw.close();
    expect(strict).toHaveLength(4);
    expect(strict.every((t) => (t as { strict: number }).strict === 1)).toBe(true);
  });

  it('refuses a database from a newer Vigil and leaves it untouched', () => {
    AuditStore.open(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 10}`);
    raw.close();
    const error = openError(file);
    expect(error.code).toBe('newer_version');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/newer version of Vigil \(schema \d+; this build knows up to \d+\)/);
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 10);
    after.close();
  });

  it('refuses an SQLite file that is not a Vigil database', () => {
    const raw = new Database(file);
    raw.exec('CREATE TABLE notes (t TEXT)');
    raw.close();
    const error = openError(file);
    expect(error.code).toBe('not_vigil');
    expect(error.message).toBe(`${file} is not a Vigil audit database (it holds other tables); it was left untouched.`);
  });

  it('names the path when the file is not SQLite at all', () => {
    writeFileSync(file, 'this is a text file, not a database, and it is long enough to have a header'.repeat(10));
    const error = openError(file);
    expect(error.code).toBe('open_failed');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/not a database/);
  });

  it('read-only open needs an existing file', () => {
    const error = openError(join(dir, 'missing.db'), { readonly: true });
    expect(error.message).toBe(`Cannot open audit database ${join(dir, 'missing.db')}: no such file.`);
  });

  it('explains a native module that cannot be loaded', () => {
    const fake = join(dir, 'fake.node');
    writeFileSync(fake, 'not an ELF file');
    try {
      AuditStore.open(file, { nativeBinding: fake });
      throw new Error('expected failure');
    } catch (error) {
      expect(error).toBeInstanceOf(AuditStoreError);
      expect((error as AuditStoreError).code).toBe('native_module');
      expect((error as AuditStoreError).message).toContain(fake);
    }
  });
});

describe('AuditStore: hash chain', () => {
  it('chains rows and verifies', () => {
    const store = seeded(5);
    const rows = store.entries();
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]!.prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(store.verify()).toEqual({ ok: true, rows: 5 });
    expect(store.entries({ afterSeq: 2, limit: 2 }).map((r) => r.seq)).toEqual([3, 4]);
    store.close();
  });

  it('the app itself cannot rewrite history (triggers)', () => {
    seeded(2).close();
    const raw = new Database(file);
    expect(() => raw.prepare("UPDATE audit SET kind = 'error' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM audit WHERE seq = 1').run()).toThrow(/append-only/);
    raw.close();
  });

  it('an edited payload is named by its row', () => {
    seeded(6).close();
    expect(tamper(file, `UPDATE audit SET payload = '{"probability":0,"sequence":3}' WHERE seq = 4`)).toBe(1);
    const store = AuditStore.open(file);
    expect(store.verify()).toEqual({ ok: false, rows: 6, firstBrokenSeq: 4, reason: 'hash does not match the row contents (the row was changed)' });
    store.close();
  });

  it('an edited timestamp or kind is named by its row', () => {
    seeded(3).close();
    tamper(file, 'UPDATE audit SET at = at + 1 WHERE seq = 2');
    const store = AuditStore.open(file);
    expect(store.verify()).toMatchObject({ ok: false, firstBrokenSeq: 2 });
    store.close();
  });

  it('a row edited with a recomputed hash breaks the link to the next row', async () => {
    seeded(4).close();
    const { rowHash } = await import('../../../src-main/audit/hash-chain');
    const raw = new Database(file, { readonly: true });
    const row = raw.prepare('SELECT * FROM audit WHERE seq = 2').get() as { at: number; prev_hash: string };
    raw.close();
    const payload = '{"probability":0,"sequence":1}';
    tamper(file, 'UPDATE audit SET payload = ?, hash = ? WHERE seq = 2', payload, rowHash({ seq: 2, at: row.at, kind: 'package_scored', payload, prevHash: row.prev_hash }));
    const store = AuditStore.open(file);
    expect(store.verify()).toEqual({ ok: false, rows: 4, firstBrokenSeq: 3, reason: 'prev_hash does not match the hash of row 2' });
    store.close();
  });

  it('a deleted row is named', () => {
    seeded(5).close();
    tamper(file, 'DELETE FROM audit WHERE seq = 3');
    const store = AuditStore.open(file);
    expect(store.verify()).toEqual({ ok: false, rows: 4, firstBrokenSeq: 3, reason: 'row 3 missing (row 4 follows row 2)' });
    store.close();
  });

  it('rows cut off the end are noticed', () => {
    seeded(5).close();
    tamper(file, 'DELETE FROM audit WHERE seq >= 4');
    const store = AuditStore.open(file);
    expect(store.verify()).toMatchObject({ ok: false, rows: 3, firstBrokenSeq: 4 });
    store.close();
  });

  it('appending after a reopen continues the same chain', () => {
    seeded(2).close();
    const store = AuditStore.open(file, { now });
    const entry = store.append('session_resumed', { sessionId: 's1', at: clock, phase: 'active' });
    expect(entry.seq).toBe(3);
    expect(store.verify()).toEqual({ ok: true, rows: 3 });
    store.close();
  });

  it('rejects bad input with a clear error and writes nothing', () => {
    const store = AuditStore.open(file);
    expect(() => store.append('nonsense' as never, {} as never)).toThrow(/Unknown audit kind "nonsense"/);
    expect(() => store.append('error', { n: Number.NaN } as never)).toThrow(/audit payload cannot be stored as JSON: \$\.n: NaN/);
    expect(() => store.append('error', [] as never)).toThrow(/must be a JSON object/);
    expect(() => store.append('flag_raised', flagPayload(0), { path: 'api/x', body: {} })).toThrow(/must start with "\/"/);
    expect(store.entries()).toEqual([]);
    store.close();
  });
});

describe('AuditStore: answers', () => {
  it('keeps the latest value per question with a revision', () => {
    const store = AuditStore.open(file, { now });
    expect(store.saveAnswer({ questionId: 'q1', value: 'first' })).toEqual({ questionId: 'q1', value: 'first', savedAt: clock, revision: 1 });
    clock += 500;
    store.saveAnswer({ questionId: 'q2', value: 'b' });
    clock += 500;
    expect(store.saveAnswer({ questionId: 'q1', value: 'second' }).revision).toBe(2);
    expect(store.answers()).toEqual([
      { questionId: 'q1', value: 'second', savedAt: clock, revision: 2 },
      { questionId: 'q2', value: 'b', savedAt: clock - 500, revision: 1 },
    ]);
    expect(store.verify()).toEqual({ ok: true, rows: 3 });
    store.close();
  });

  it('stores answer text only in answers; the audit row holds its length and hash', () => {
    const text = 'The mitochondria is the powerhouse of the cell ZQXJ-unique';
    const store = AuditStore.open(file);
    store.saveAnswer({ questionId: 'essay-1', value: text });
    const audit = store.entries();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.kind).toBe('answer_saved');
    expect(audit[0]!.payload).toEqual({ questionId: 'essay-1', revision: 1, length: text.length, sha256: sha256Hex(text) });
    store.close();
    // Scan every table except answers for the text.
    const raw = new Database(file, { readonly: true });
    const tables = (raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toContain('answers');
    for (const table of tables) {
      const dump = JSON.stringify(raw.prepare(`SELECT * FROM ${table}`).all());
      if (table === 'answers') expect(dump).toContain('ZQXJ-unique');
      else expect(dump).not.toContain('ZQXJ-unique');
    }
    raw.close();
  });

  it('refuses a malformed answer', () => {
    const store = AuditStore.open(file);
    expect(() => store.saveAnswer({ questionId: '', value: 'x' })).toThrow(AuditStoreError);
    expect(() => store.saveAnswer({ questionId: 'q', value: 3 as never })).toThrow(/string value/);
    expect(store.answers()).toEqual([]);
    store.close();
  });
});

describe('AuditStore: outbox', () => {
  it('writes the audit row and its upload in one transaction', () => {
    const store = AuditStore.open(file, { now });
    const entry = store.append('flag_raised', flagPayload(1), { path: '/api/flagged-activity/s1/u1', body: { level: 'high' } });
    expect(entry.outboxId).toMatch(/^[0-9a-f-]{36}$/);
    expect(store.dueOutbox(clock, 10)).toEqual([
      { id: entry.outboxId, path: '/api/flagged-activity/s1/u1', body: { level: 'high' }, createdAt: clock, attempts: 0, auditSeq: entry.seq },
    ]);
    store.close();
  });

  it('a failing upload insert rolls back its audit row', () => {
    const store = AuditStore.open(file);
    expect(() => store.append('flag_raised', flagPayload(1), { path: '/x', body: { big: 10n } })).toThrow(/upload body cannot be stored/);
    store.close();
    // Make the outbox insert fail inside the transaction: the audit row must not stay.
    const raw = new Database(file);
    raw.exec("CREATE TRIGGER outbox_fail BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk says no'); END;");
    raw.close();
    const again = AuditStore.open(file);
    expect(() => again.append('flag_raised', flagPayload(1), { path: '/x', body: {} })).toThrow(/Could not append a flag_raised audit row in .*disk says no/);
    expect(again.entries()).toEqual([]);
    expect(again.verify()).toEqual({ ok: true, rows: 0 });
    again.close();
  });

  it('tracks due, failed, delivered and rejected items', () => {
    const store = AuditStore.open(file, { now });
    const a = store.append('flag_raised', flagPayload(1), { path: '/a', body: 1 }).outboxId!;
    const b = store.append('flag_raised', flagPayload(2), { path: '/b', body: 2 }).outboxId!;
    const c = store.append('submission', submissionPayload(3), { path: '/c', body: 3 }).outboxId!;
    store.markFailed(a, clock, 'HTTP 503', clock + 5000);
    expect(store.dueOutbox(clock, 10).map((i) => i.id)).toEqual([b, c]);
    expect(store.dueOutbox(clock + 5000, 10).map((i) => [i.id, i.attempts])).toEqual([[a, 1], [b, 0], [c, 0]]);
    expect(store.dueOutbox(clock + 5000, 1).map((i) => i.id)).toEqual([a]);
    store.markDelivered(b, clock + 1);
    store.markRejected(c, clock + 2, 'HTTP 400: submission needs answers');
    expect(store.outboxCounts()).toEqual({ pending: 1, delivered: 1, rejected: 1 });
    expect(store.outboxState(c)).toEqual({ state: 'rejected', attempts: 1, lastError: 'HTTP 400: submission needs answers' });
    expect(store.outboxState(a)).toEqual({ state: 'pending', attempts: 1, lastError: 'HTTP 503' });
    expect(store.outboxState('nope')).toBeNull();
    // A rejection is audited for the proctor; the chain still verifies.
    const last = store.entries().at(-1)!;
    expect(last.kind).toBe('error');
    expect(last.payload).toEqual({ source: 'upload', outboxId: c, path: '/c', error: 'HTTP 400: submission needs answers' });
    expect(store.verify()).toEqual({ ok: true, rows: 7 }); // three uploads, each with its upload_queued row
    expect(store.outboxItems().map((o) => [o.id, o.state, o.attempts, o.deliveredAt])).toEqual([
      [a, 'pending', 1, null],
      [b, 'delivered', 1, clock + 1],
      [c, 'rejected', 1, null],
    ]);
    // Delivered and rejected items are final.
    store.markFailed(b, clock, 'late', clock);
    expect(store.outboxState(b)!.state).toBe('delivered');
    store.close();
  });
});

describe('engine state', () => {
  it('is overwritten in place, survives reopening and stays out of the hash chain', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-engine-state-'));
    const file = join(dir, 'a.sqlite');
    const store = AuditStore.open(file);
    expect(store.loadEngineState('detection')).toBeNull();
    store.saveEngineState('detection', { v: 1 });
    store.saveEngineState('detection', { v: 2, nested: [1, 2] });
    const rows = store.entries().length;
    store.close();
    const again = AuditStore.open(file);
    expect(again.loadEngineState('detection')).toEqual({ v: 2, nested: [1, 2] });
    expect(again.entries().length).toBe(rows);
    expect(again.verify().ok).toBe(true);
    again.close();
  });
});
