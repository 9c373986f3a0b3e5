import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../../src-main/audit/audit-store';
import { encodeKey, evolveKeyBy } from '../../../src-main/audit/keyed-chain';
import { KEY_ERASE_ROWS } from '../../../src-main/audit/store-context';
import { scoredPayload, startedPayload } from '../../audit-payloads';

// Forward security on disk: once a key is replaced (and the WAL truncated, every
// KEY_ERASE_ROWS rows and at close), its bytes are nowhere in the attempt's files.

let dir: string;
let file: string;
const K0 = Buffer.from(Array.from({ length: 32 }, (_, i) => 200 - i));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-erase-'));
  file = join(dir, 'attempt.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The attempt's files as they are on disk now (database and WAL). */
function onDisk(): Buffer {
  return Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}

/** Which of K_0..K_{n} can be read back from the files. */
function findableKeys(n: number): number[] {
  const bytes = onDisk();
  const found: number[] = [];
  for (let i = 0; i <= n; i++) if (bytes.includes(evolveKeyBy(K0, i))) found.push(i);
  return found;
}

describe('replaced keys on disk', () => {
  it('secure_delete is on for the attempt file', () => {
    const store = AuditStore.open(file);
    const db = (store as unknown as { ctx: { db: { pragma: (s: string, o: object) => unknown } } }).ctx.db;
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    store.close();
  });

  it('old keys wait in the WAL for at most KEY_ERASE_ROWS rows; after the truncation only the current key is on disk', () => {
    const store = AuditStore.open(file, { now: () => 1 });
    store.startAttempt(startedPayload('s'), { k0: K0 });
    for (let i = 1; i < 5; i++) store.append('package_scored', scoredPayload(i, 0.1));
    // Rows 1..5 written: K_5 is the key in use. Before any truncation the WAL still holds
    // older versions of the key's page (this is what the search can find, so it can fail).
    const before = findableKeys(5);
    expect(before).toContain(5);
    expect(before.filter((i) => i < 5).length).toBeGreaterThan(0);

    // Up to the next truncation: rows 6..KEY_ERASE_ROWS.
    for (let seq = 6; seq <= KEY_ERASE_ROWS; seq++) store.append('package_scored', scoredPayload(seq, 0.1));
    expect(readFileSync(`${file}-wal`).length).toBe(0);
    expect(findableKeys(KEY_ERASE_ROWS)).toEqual([KEY_ERASE_ROWS]);

    // An explicit erasure (the app calls it at close too) leaves the same.
    store.append('package_scored', scoredPayload(99, 0.1));
    expect(store.eraseReplacedKeys()).toBe(true);
    expect(findableKeys(KEY_ERASE_ROWS + 1)).toEqual([KEY_ERASE_ROWS + 1]);
    store.close();
    expect(findableKeys(KEY_ERASE_ROWS + 1)).toEqual([KEY_ERASE_ROWS + 1]);
    // The chain still verifies from K_0 after all that.
    const check = AuditStore.open(file, { readonly: true });
    expect(check.verify(K0).ok).toBe(true);
    check.close();
  });

  it('an escrowed K_0 is gone from the files as soon as its delivery is recorded', () => {
    const store = AuditStore.open(file, { now: () => 1 });
    const { k0 } = store.startAttempt(startedPayload('s'), { escrow: (key) => ({ path: '/api/sessions/s/key-escrow', body: { k0: encodeKey(key) } }) });
    const text = Buffer.from(encodeKey(k0));
    expect(onDisk().includes(text)).toBe(true);
    const escrow = store.outboxItems().find((o) => o.path.endsWith('/key-escrow'))!;
    store.markDelivered(escrow.id, 2);
    expect(onDisk().includes(text)).toBe(false);
    expect(onDisk().includes(k0)).toBe(false);
    store.close();
  });
});

describe('erasure and readers', () => {
  it('a reader on an old snapshot makes the truncation wait for a later commit, without blocking the writer', () => {
    const store = AuditStore.open(file, { now: () => 1 });
    store.startAttempt(startedPayload('s'), { k0: K0 });
    const reader = new Database(file, { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM audit').get(); // holds its snapshot
    const started = Date.now();
    expect(store.eraseReplacedKeys()).toBe(false);
    // Not a speed target: without the guard it waits out the 5 s busy timeout.
    expect(Date.now() - started).toBeLessThan(2500);
    reader.exec('COMMIT');
    reader.close();
    expect(store.eraseReplacedKeys()).toBe(true);
    expect(findableKeys(1)).toEqual([1]);
    store.close();
  });
});
