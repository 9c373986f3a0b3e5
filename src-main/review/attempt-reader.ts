import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AuditStore, AuditStoreError } from '../audit/audit-store';
import { parseAuditPayload, type ParsedPayload } from '../audit/audit-chain';
import { describeCause } from '../audit/audit-store-error';
import type { Verification } from '../contract/review';
import type { OutboxRecord } from '../contract/outbox';
import { checkStoredPayload } from './bulk-payload-check';

/**
 * One audit row as review reads it: its payload parsed with its kind's schema, without its
 * hashes (the chain is walked apart, by verifyAttempt). Narrow with `valid`, then `kind`.
 */
export type AuditRow = { seq: number; at: number } & ParsedPayload;

/** Everything review needs from one attempt database, read once. */
export interface RawAttempt {
  file: string;
  schemaVersion: number;
  /** Every row, parsed with its kind's schema; a row that does not fit stays, marked invalid. */
  records: AuditRow[];
  verification: Verification;
  outbox: OutboxRecord[];
  /** The flag file sent with each flag_raised row, by audit seq. */
  flagFiles: Map<number, unknown>;
}

/** Why an attempt cannot be shown; the message names the file and the cause. */
export class AttemptReadError extends Error {
  override readonly name = 'AttemptReadError';
}

/**
 * Reads one attempt database without ever writing to it. Opening an SQLite file read-only
 * still creates (and on WAL files may checkpoint into) -wal/-shm files beside it, and
 * `immutable=1` would ignore the rows a killed app left in its -wal. So the file and its
 * -wal are copied into a private temporary folder and the copy is opened; the original is
 * only ever read with copyFile. Verification and parsing are the audit store's own.
 */
export function readAttempt(file: string, opts: { nativeBinding?: string; verify?: boolean } = {}): RawAttempt {
  return withCopy(file, (copy, own) => readCopy(copy, file, own, opts.nativeBinding, opts.verify ?? true));
}

/** Walks the hash chain of one attempt database (read the same way: a private copy). */
export function verifyAttempt(file: string, opts: { nativeBinding?: string } = {}): Verification {
  return withCopy(file, (copy, own) => {
    const store = openCopy(copy, own, opts.nativeBinding);
    try {
      return verifyStore(store, own);
    } finally {
      store.close();
    }
  });
}

function withCopy<T>(file: string, use: (copy: string, own: (text: string) => string) => T): T {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (cause) {
    throw new AttemptReadError(`cannot read: ${file}: ${describeCause(cause)}`);
  }
  if (size === 0) throw new AttemptReadError(`cannot read: ${file} is empty (an attempt that was never written)`);

  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-review-'));
  const copy = path.join(dir, 'attempt.sqlite');
  // Messages from the store name the copy; the proctor must see the file they opened.
  const own = (text: string): string => text.split(copy).join(file);
  try {
    copyFileSync(file, copy);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
    return use(copy, own);
  } catch (cause) {
    if (cause instanceof AttemptReadError) throw cause;
    throw new AttemptReadError(`cannot read: ${own(describeCause(cause))}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function openCopy(copy: string, own: (t: string) => string, nativeBinding: string | undefined): AuditStore {
  try {
    return AuditStore.open(copy, { readonly: true, ...(nativeBinding !== undefined ? { nativeBinding } : {}) });
  } catch (cause) {
    throw new AttemptReadError(`cannot read: ${own(cause instanceof AuditStoreError ? cause.message : describeCause(cause))}`);
  }
}

function verifyStore(store: AuditStore, own: (t: string) => string): Verification {
  try {
    const v = store.verify();
    return v.ok ? { state: 'ok', rows: v.rows } : { state: 'broken', rows: v.rows, brokenAtRow: v.firstBrokenSeq, reason: v.reason };
  } catch (cause) {
    return { state: 'cannot_verify', reason: own(describeCause(cause)) };
  }
}

function readCopy(copy: string, file: string, own: (t: string) => string, nativeBinding: string | undefined, verify: boolean): RawAttempt {
  const binding = nativeBinding !== undefined ? { nativeBinding } : {};
  const store = openCopy(copy, own, nativeBinding);
  try {
    const verification: Verification = verify ? verifyStore(store, own) : { state: 'pending' };
    // The store has checked what the file is (Vigil's, its schema); rows and flag files are read directly.
    const db = new Database(copy, { readonly: true, fileMustExist: true, ...binding });
    try {
      let records: AuditRow[];
      try {
        records = readRows(db);
      } catch (cause) {
        throw new AttemptReadError(`cannot read: ${own(`Could not read audit rows from ${copy}: ${describeCause(cause)}`)}`);
      }
      if (records.length === 0) throw new AttemptReadError(`cannot read: ${file} holds no audit rows (the attempt never started)`);
      const outbox = store.schemaVersion >= 20 ? store.outboxItems() : [];
      const flagFiles = store.schemaVersion >= 20 ? readFlagFiles(db) : new Map<number, unknown>();
      return { file, schemaVersion: store.schemaVersion, records, verification, outbox, flagFiles };
    } finally {
      db.close();
    }
  } finally {
    store.close();
  }
}

/**
 * Every audit row, oldest first, each payload checked against its kind's schema (compiled
 * for the bulk kinds, see bulk-payload-check.ts). Only what review draws is selected: the
 * hash columns are a third of the bytes and the chain walk reads them itself. Read in pages:
 * the payload texts of one page are garbage before the next is read, where reading all
 * 60,000 at once kept 20 MB of them alive through the parse (a third of the read in GC).
 */
function readRows(db: Database.Database): AuditRow[] {
  const page = db.prepare(`SELECT seq, at, kind, payload FROM audit WHERE seq > ? ORDER BY seq LIMIT ${ROWS_PER_PAGE}`).raw();
  const out: AuditRow[] = [];
  let after = -Infinity;
  for (;;) {
    const rows = page.all(after) as [number, number, string, string][];
    for (const [seq, at, kind, payload] of rows) out.push({ seq, at, ...parseAuditPayload(kind, payload, checkStoredPayload) });
    if (rows.length < ROWS_PER_PAGE) return out;
    after = rows[rows.length - 1]![0];
  }
}

const ROWS_PER_PAGE = 2000;

/** The store exposes no upload bodies once sent; the flag files are read from the copy directly. */
function readFlagFiles(db: Database.Database): Map<number, unknown> {
  const rows = db
    .prepare(
      `SELECT o.audit_seq AS seq, o.body AS body FROM outbox o JOIN audit a ON a.seq = o.audit_seq
       WHERE a.kind = 'flag_raised' ORDER BY o.audit_seq`,
    )
    .all() as { seq: number; body: string }[];
  const out = new Map<number, unknown>();
  for (const r of rows) {
    try {
      out.set(r.seq, JSON.parse(r.body) as unknown);
    } catch {
      out.set(r.seq, null);
    }
  }
  return out;
}
