import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { rowHash } from '../../src-main/audit/hash-chain';
import { encodeKey } from '../../src-main/audit/keyed-chain';
import { startedPayload } from '../audit-payloads';

const root = join(import.meta.dirname, '../..');
const K0 = Buffer.alloc(32, 0x2a);
let dir: string;

function audit(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src-main/cli/audit.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function makeDb(name: string): string {
  const file = join(dir, name);
  const store = AuditStore.open(file);
  store.startAttempt(startedPayload('s1'), { k0: K0 });
  for (let i = 0; i < 5; i++) store.append('error', { what: 'row', message: `row ${i + 2}` });
  store.close();
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-audit-key-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run audit -- verify --key', () => {
  it('checks every tag with K_0 given in base64 or hex, and says when tags were not checked', () => {
    const file = makeDb('intact.db');
    expect(audit('verify', file, '--key', encodeKey(K0))).toEqual({ code: 0, out: 'OK: 6 rows, hash chain intact, every tag verified with the key\n', err: '' });
    expect(audit('verify', file, '--key', K0.toString('hex')).code).toBe(0);
    expect(audit('verify', file).out).toBe('OK: 6 rows, hash chain intact, tags not checked (no --key)\n');
  }, 60_000);

  it('names the first row whose tag does not verify: a rewrite with every hash recomputed, or another key', () => {
    const file = makeDb('rewritten.db');
    const db = new Database(file);
    db.exec('DROP TRIGGER audit_no_update');
    const rows = db.prepare('SELECT seq, at, kind, payload, prev_hash FROM audit ORDER BY seq').all() as { seq: number; at: number; kind: string; payload: string; prev_hash: string }[];
    let prev = rows[0]!.prev_hash;
    for (const r of rows) {
      const payload = r.seq === 4 ? '{"message":"nothing happened","what":"row"}' : r.payload;
      const hash = rowHash({ seq: r.seq, at: r.at, kind: r.kind, payload, prevHash: prev });
      db.prepare('UPDATE audit SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(payload, prev, hash, r.seq);
      prev = hash;
    }
    db.prepare('UPDATE audit_head SET hash = ?').run(prev);
    db.close();
    expect(audit('verify', file).code).toBe(0); // without the key, the rewrite passes
    expect(audit('verify', file, '--key', encodeKey(K0))).toEqual({
      code: 1,
      out: "BROKEN at row 4: the tag does not verify with the attempt's key for this row (the row was re-sealed)\n",
      err: '',
    });
    expect(audit('verify', makeDb('other.db'), '--key', encodeKey(Buffer.alloc(32, 1)))).toMatchObject({ code: 1, out: expect.stringMatching(/^BROKEN at row 1: the tag does not verify/) });
  }, 60_000);

  it('refuses a key that is not 32 bytes of base64 or hex', () => {
    const file = makeDb('badkey.db');
    for (const bad of ['abc', 'zz'.repeat(32), encodeKey(Buffer.alloc(16))]) {
      expect(audit('verify', file, '--key', bad)).toEqual({ code: 2, out: '', err: '--key takes K_0: 32 bytes as 44 characters of base64 or 64 hex digits\n' });
    }
  }, 60_000);
});
