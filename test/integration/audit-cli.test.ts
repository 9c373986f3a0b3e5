import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { rowHash } from '../../src-main/audit/hash-chain';
import { SCHEMA_VERSION } from '../../src-main/audit/migrations';
import { flagPayload, startedPayload } from '../audit-payloads';

const root = join(import.meta.dirname, '../..');
let dir: string;

function audit(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src-main/cli/audit.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function makeDb(name: string, rows: number): string {
  const file = join(dir, name);
  const store = AuditStore.open(file);
  store.append('session_started', startedPayload('s1'));
  for (let i = 1; i < rows; i++) {
    if (i % 3 === 0) store.saveAnswer({ questionId: `q${i}`, value: `text ${i}` });
    else store.append('flag_raised', flagPayload(i), { path: '/api/flagged-activity/s1/u1', body: { i } });
  }
  store.close();
  return file;
}

function raw(file: string, sql: string): void {
  const db = new Database(file);
  db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
  db.exec(sql);
  db.close();
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-audit-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run audit', () => {
  it('verify: OK on an intact chain', () => {
    const file = makeDb('ok.db', 12);
    expect(audit('verify', file)).toEqual({ code: 0, out: 'OK: 20 rows, hash chain intact, tags not checked (no --key)\n', err: '' });
  });

  it('verify: names the edited row', () => {
    const file = makeDb('edited.db', 12);
    raw(file, `UPDATE audit SET payload = '{"i":99}' WHERE seq = 7`);
    expect(audit('verify', file)).toEqual({ code: 1, out: 'BROKEN at row 7: hash does not match the row contents (the row was changed); tags not checked (no --key)\n', err: '' });
  });

  it('verify: names a deleted row', () => {
    const file = makeDb('deleted.db', 12);
    raw(file, 'DELETE FROM outbox WHERE audit_seq = 5; DELETE FROM audit WHERE seq = 5');
    expect(audit('verify', file)).toEqual({ code: 1, out: 'BROKEN at row 5: row 5 missing (row 6 follows row 4); tags not checked (no --key)\n', err: '' });
  });

  it('export: writes rows and the verification', () => {
    const file = makeDb('export.db', 6);
    const out = join(dir, 'export.json');
    const r = audit('export', file, '--out', out);
    expect(r).toEqual({ code: 0, out: `Exported 10 rows to ${out}. OK: 10 rows, hash chain intact, tags not checked (no --key)\n`, err: '' });
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.verification).toEqual({ ok: true, rows: 10 });
    expect(report.schemaVersion).toBe(SCHEMA_VERSION);
    expect(report.rows.map((row: { seq: number }) => row.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(report.rows[0]).toMatchObject({ kind: 'session_started', payload: { sessionId: 's1' } });
    // Rows 2, 4, 7 and 9 queued uploads, each followed by its upload_queued row (row 6 saved an answer).
    expect(report.outbox.map((o: { auditSeq: number; state: string }) => [o.auditSeq, o.state])).toEqual([[2, 'pending'], [4, 'pending'], [7, 'pending'], [9, 'pending']]);
    expect(report.rows.filter((row: { kind: string }) => row.kind === 'upload_queued').map((row: { seq: number }) => row.seq)).toEqual([3, 5, 8, 10]);
    // To stdout when no --out.
    expect(JSON.parse(audit('export', file).out).rows).toHaveLength(10);
  });

  it('export of a broken chain still writes, and says so', () => {
    const file = makeDb('export-broken.db', 6);
    raw(file, 'UPDATE audit SET at = at + 1 WHERE seq = 2');
    const r = audit('export', file);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).verification).toMatchObject({ ok: false, firstBrokenSeq: 2 });
    expect(r.err).toBe('BROKEN at row 2: hash does not match the row contents (the row was changed); tags not checked (no --key)\n');
  });

  it('does not modify the database it inspects', () => {
    const file = makeDb('readonly.db', 4);
    const before = readFileSync(file);
    audit('verify', file);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('bad path, non-Vigil file, newer schema and bad usage: one clear line, exit 2', () => {
    const missing = join(dir, 'nope.db');
    expect(audit('verify', missing)).toEqual({ code: 2, out: '', err: `Cannot open audit database ${missing}: no such file.\n` });

    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello, I am not a database at all. '.repeat(20));
    const r1 = audit('verify', text);
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(new RegExp(`^Cannot open audit database ${text.replace(/[.]/g, '\\.')}: file is not a database.*\\n$`));
    expect(r1.err.split('\n')).toHaveLength(2);

    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(audit('verify', other)).toEqual({ code: 2, out: '', err: `${other} is not a Vigil audit database (it holds other tables); it was left untouched.\n` });

    const newer = makeDb('newer.db', 2);
    const n = new Database(newer);
    n.pragma(`user_version = ${SCHEMA_VERSION + 10}`);
    n.close();
    const r2 = audit('verify', newer);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/was written by a newer version of Vigil/);

    expect(audit('check', newer)).toEqual({ code: 2, out: '', err: 'usage: npm run audit -- verify <db> [--key K0] [--anchor SEQ:HASH ...] | export <db> [--out FILE] | summary <db>\n' });
    expect(audit('verify').code).toBe(2);
  }, 90_000);

  it('an anchor catches a log rewritten with every hash recomputed, which the chain alone cannot', () => {
    const file = makeDb('rewritten.db', 6);
    const store = AuditStore.open(file);
    const anchor = store.head()!;
    store.close();
    expect(audit('verify', file, '--anchor', `${anchor.seq}:${anchor.hash}`)).toMatchObject({ code: 0, out: 'OK: 10 rows, hash chain intact, tags not checked (no --key), 1 anchor(s) match\n' });

    // The tamperer edits row 2 and recomputes the chain from there on, head included.
    const db = new Database(file);
    db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
    const rows = db.prepare('SELECT seq, at, kind, payload, prev_hash FROM audit ORDER BY seq').all() as { seq: number; at: number; kind: string; payload: string; prev_hash: string }[];
    let prevHash = rows[0]!.prev_hash;
    for (const row of rows) {
      const payload = row.seq === 2 ? '{"i":99}' : row.payload;
      const hash = rowHash({ seq: row.seq, at: row.at, kind: row.kind, payload, prevHash });
      db.prepare('UPDATE audit SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(payload, prevHash, hash, row.seq);
      prevHash = hash;
    }
    db.prepare('UPDATE audit_head SET hash = ? WHERE id = 1').run(prevHash);
    db.close();

    expect(audit('verify', file)).toMatchObject({ code: 0 }); // the chain alone is fooled
    expect(audit('verify', file, '--anchor', `${anchor.seq}:${anchor.hash}`)).toEqual({
      code: 1,
      out: `BROKEN at row ${anchor.seq}: row ${anchor.seq} differs from the copy anchored elsewhere (the log was rewritten); tags not checked (no --key)\n`,
      err: '',
    });
    expect(audit('verify', file, '--anchor', 'nonsense').code).toBe(2);
  }, 90_000);
});
