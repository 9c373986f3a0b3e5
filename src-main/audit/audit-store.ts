import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { SavedAnswer } from '../contract/exam';
import type { OutboxItem, OutboxPort, OutboxRecord, OutboxState } from '../contract/outbox';
import { AuditStoreError, describeCause } from './audit-store-error';
import { canonicalJson } from './canonical-json';
import { GENESIS_HASH, rowHash, sha256Hex } from './hash-chain';
import { SCHEMA_VERSION } from './migrations';
import { applyMigrations, inspectSchema } from './schema-version';

export { AuditStoreError } from './audit-store-error';
export type { AuditStoreErrorCode } from './audit-store-error';

export const AUDIT_KINDS = [
  'session_started',
  'package_scored',
  'flag_raised',
  'risk_changed',
  'answer_saved',
  'integrity_event',
  'session_locked',
  'submission',
  'error',
  'session_resumed',
  'upload_requeued',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export interface AuditEntry {
  seq: number;
  /** Epoch ms from the store's clock. */
  at: number;
  kind: AuditKind;
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** What append returns: the row, and the outbox id (Idempotency-Key) when an upload was queued. */
export type AppendedEntry = AuditEntry & { outboxId: string | null };

export type VerifyResult =
  | { ok: true; rows: number }
  | { ok: false; rows: number; firstBrokenSeq: number; reason: string };

export interface AuditStoreOptions {
  /** Path of a better-sqlite3 `.node` build for this runtime (Electron's ABI in the app). */
  nativeBinding?: string;
  now?: () => number;
  /** Inspect only (the audit CLI): the file must exist, nothing is written or migrated. */
  readonly?: boolean;
}

interface AuditRow {
  seq: number;
  at: number;
  kind: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

interface OutboxRow {
  id: string;
  path: string;
  body: string;
  created_at: number;
  attempts: number;
  audit_seq: number;
}

/**
 * One SQLite database per exam attempt: the hash-chained audit log, the latest answers and
 * the upload outbox. Every write is one transaction that is on disk (WAL, synchronous=FULL)
 * before the method returns.
 */
export class AuditStore implements OutboxPort {
  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
    readonly schemaVersion: number,
    private readonly now: () => number,
  ) {}

  static open(file: string, opts: AuditStoreOptions = {}): AuditStore {
    const readonly = opts.readonly ?? false;
    const inMemory = file === ':memory:';
    if (!inMemory) {
      if (readonly && !existsSync(file)) {
        throw new AuditStoreError('open_failed', `Cannot open audit database ${file}: no such file.`);
      }
      if (!readonly) {
        try {
          mkdirSync(dirname(resolve(file)), { recursive: true });
        } catch (cause) {
          throw new AuditStoreError(
            'open_failed',
            `Cannot create the folder for audit database ${file}: ${describeCause(cause)}`,
            { cause },
          );
        }
      }
    }

    let db: Database.Database;
    try {
      db = new Database(file, {
        readonly,
        fileMustExist: readonly,
        timeout: 5000,
        ...(opts.nativeBinding !== undefined ? { nativeBinding: opts.nativeBinding } : {}),
      });
    } catch (cause) {
      throw openError(file, cause, opts.nativeBinding);
    }

    try {
      const found = (() => {
        try {
          return inspectSchema(db);
        } catch (cause) {
          throw new AuditStoreError(
            'open_failed',
            `Cannot open audit database ${file}: ${describeCause(cause)} (is it an SQLite file?)`,
            { cause },
          );
        }
      })();
      if (found.state === 'foreign' || (found.state === 'empty' && readonly)) {
        throw new AuditStoreError(
          'not_vigil',
          `${file} is not a Vigil audit database (it ${found.state === 'empty' ? 'is empty' : 'holds other tables'}); it was left untouched.`,
        );
      }
      if (found.state === 'newer') {
        throw new AuditStoreError(
          'newer_version',
          `${file} was written by a newer version of Vigil (schema ${found.version}; this build knows up to ${SCHEMA_VERSION}). ` +
            'Update Vigil to open it; the file was left untouched.',
        );
      }
      let version = found.state === 'empty' ? 0 : found.version;
      if (!readonly) {
        const mode = db.pragma('journal_mode = WAL', { simple: true });
        if (mode !== 'wal' && !inMemory) {
          throw new AuditStoreError('open_failed', `Cannot open audit database ${file}: the file system refused WAL mode (got ${String(mode)}).`);
        }
        // FULL: a transaction is fsynced before commit returns, so a saved answer survives a crash.
        db.pragma('synchronous = FULL');
        db.pragma('foreign_keys = ON');
        try {
          version = applyMigrations(db);
        } catch (cause) {
          throw new AuditStoreError(
            'open_failed',
            `Cannot upgrade audit database ${file} from schema ${version} to ${SCHEMA_VERSION}: ${describeCause(cause)}`,
            { cause },
          );
        }
      }
      return new AuditStore(db, file, version, opts.now ?? Date.now);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** How the file is being written (tests check WAL + FULL). */
  settings(): { journalMode: string; synchronous: number; schemaVersion: number } {
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.db.pragma('synchronous', { simple: true })),
      schemaVersion: this.schemaVersion,
    };
  }

  /** Appends one audit row and, when given, its upload, in one transaction. */
  append(kind: AuditKind, payload: Record<string, unknown>, upload?: { path: string; body: unknown }): AppendedEntry {
    const payloadText = this.encode(payload, 'audit payload', true);
    let uploadRow: { path: string; body: string } | undefined;
    if (upload !== undefined) {
      if (typeof upload.path !== 'string' || !upload.path.startsWith('/')) {
        throw new AuditStoreError('invalid_input', `Upload path must start with "/", got ${JSON.stringify(upload.path)}.`);
      }
      uploadRow = { path: upload.path, body: this.encode(upload.body, 'upload body', false) };
    }
    if (!AUDIT_KINDS.includes(kind)) {
      throw new AuditStoreError('invalid_input', `Unknown audit kind ${JSON.stringify(kind)}.`);
    }
    return this.write(`append a ${kind} audit row`, () =>
      this.db
        .transaction((): AppendedEntry => {
          const entry = this.appendRow(kind, payloadText);
          if (uploadRow) {
            const id = randomUUID();
            this.db
              .prepare(
                'INSERT INTO outbox (id, audit_seq, path, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)',
              )
              .run(id, entry.seq, uploadRow.path, uploadRow.body, entry.at, entry.at);
            return { ...entry, outboxId: id };
          }
          return { ...entry, outboxId: null };
        })
        .immediate(),
    );
  }

  /**
   * Stores the answer's text in `answers` and an `answer_saved` audit row holding only its
   * length and hash (the audit log never holds what the student typed).
   */
  saveAnswer(input: { questionId: string; value: string }): SavedAnswer {
    if (typeof input?.questionId !== 'string' || input.questionId.length === 0 || typeof input.value !== 'string') {
      throw new AuditStoreError('invalid_input', 'saveAnswer needs a non-empty questionId and a string value.');
    }
    const { questionId, value } = input;
    return this.write(`save the answer to ${questionId}`, () =>
      this.db
        .transaction((): SavedAnswer => {
          const previous = this.db.prepare('SELECT revision FROM answers WHERE question_id = ?').get(questionId) as
            | { revision: number }
            | undefined;
          const revision = (previous?.revision ?? 0) + 1;
          const entry = this.appendRow(
            'answer_saved',
            canonicalJson({ questionId, revision, length: value.length, sha256: sha256Hex(value) }),
          );
          this.db
            .prepare(
              `INSERT INTO answers (question_id, value, saved_at, revision) VALUES (?, ?, ?, ?)
               ON CONFLICT (question_id) DO UPDATE SET value = excluded.value, saved_at = excluded.saved_at, revision = excluded.revision`,
            )
            .run(questionId, value, entry.at, revision);
          return { questionId, value, savedAt: entry.at, revision };
        })
        .immediate(),
    );
  }

  answers(): SavedAnswer[] {
    return this.read('read the answers', () =>
      (
        this.db.prepare('SELECT question_id, value, saved_at, revision FROM answers ORDER BY question_id').all() as {
          question_id: string;
          value: string;
          saved_at: number;
          revision: number;
        }[]
      ).map((r) => ({ questionId: r.question_id, value: r.value, savedAt: r.saved_at, revision: r.revision })),
    );
  }

  /** Walks the whole chain and names the first row that does not fit. */
  verify(): VerifyResult {
    return this.read('verify the audit chain', () => {
      const total = (this.db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n;
      const broken = (firstBrokenSeq: number, reason: string): VerifyResult => ({
        ok: false,
        rows: total,
        firstBrokenSeq,
        reason,
      });
      let expectedSeq = 1;
      let prevHash = GENESIS_HASH;
      for (const row of this.db.prepare('SELECT seq, at, kind, payload, prev_hash, hash FROM audit ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
        if (row.seq !== expectedSeq) {
          return broken(
            expectedSeq,
            row.seq > expectedSeq
              ? `row ${expectedSeq}${row.seq - expectedSeq > 1 ? `..${row.seq - 1}` : ''} missing (row ${row.seq} follows row ${expectedSeq - 1})`
              : `row ${row.seq} out of order`,
          );
        }
        if (row.prev_hash !== prevHash) {
          return broken(row.seq, `prev_hash does not match the hash of row ${row.seq - 1}`);
        }
        const expected = rowHash({ seq: row.seq, at: row.at, kind: row.kind, payload: row.payload, prevHash: row.prev_hash });
        if (row.hash !== expected) {
          return broken(row.seq, 'hash does not match the row contents (the row was changed)');
        }
        prevHash = row.hash;
        expectedSeq++;
      }
      const head = this.db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as
        | { seq: number; hash: string }
        | undefined;
      const lastSeq = expectedSeq - 1;
      if ((head?.seq ?? 0) !== lastSeq || (head !== undefined && head.hash !== prevHash)) {
        return broken(
          lastSeq + 1,
          `the chain ends at row ${lastSeq} but its head records row ${head?.seq ?? 0} (rows removed from the end?)`,
        );
      }
      return { ok: true, rows: total };
    });
  }

  /**
   * The newest row's seq and hash. Sent with the submission, it is an anchor the exam
   * server keeps: a log rewritten afterwards (every hash recomputed, so the chain alone
   * still verifies) no longer holds that row with that hash.
   */
  head(): { seq: number; hash: string } | null {
    return this.read('read the audit head', () => {
      const row = this.db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
      return row ?? null;
    });
  }

  /** Checks that row `seq` still has the hash a third party recorded for it. */
  checkAnchor(anchor: { seq: number; hash: string }): { ok: true } | { ok: false; reason: string } {
    const [row] = this.entries({ afterSeq: anchor.seq - 1, limit: 1 });
    if (!row || row.seq !== anchor.seq) return { ok: false, reason: `row ${anchor.seq}, which the anchor names, is missing` };
    if (row.hash !== anchor.hash) return { ok: false, reason: `row ${anchor.seq} differs from the copy anchored elsewhere (the log was rewritten)` };
    return { ok: true };
  }

  entries(opts: { afterSeq?: number; limit?: number } = {}): AuditEntry[] {
    const afterSeq = opts.afterSeq ?? 0;
    const limit = opts.limit ?? -1;
    return this.read('read audit rows', () =>
      (
        this.db
          .prepare('SELECT seq, at, kind, payload, prev_hash, hash FROM audit WHERE seq > ? ORDER BY seq LIMIT ?')
          .all(afterSeq, limit) as AuditRow[]
      ).map(toEntry),
    );
  }

  dueOutbox(now: number, limit: number): OutboxItem[] {
    this.requireOutbox();
    return this.read('read the outbox', () =>
      (
        this.db
          .prepare(
            `SELECT id, path, body, created_at, attempts, audit_seq FROM outbox
             WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY created_at, rowid LIMIT ?`,
          )
          .all(now, limit) as OutboxRow[]
      ).map((r) => ({
        id: r.id,
        path: r.path,
        body: JSON.parse(r.body) as unknown,
        createdAt: r.created_at,
        attempts: r.attempts,
        auditSeq: r.audit_seq,
      })),
    );
  }

  markDelivered(id: string, at: number): void {
    this.requireOutbox();
    this.write('mark an upload delivered', () => {
      this.db
        .prepare(
          `UPDATE outbox SET state = 'delivered', delivered_at = ?, last_attempt_at = ?, attempts = attempts + 1, last_error = NULL
           WHERE id = ? AND state = 'pending'`,
        )
        .run(at, at, id);
    });
  }

  markFailed(id: string, at: number, error: string, nextAttemptAt: number): void {
    this.requireOutbox();
    this.write('record a failed upload', () => {
      this.db
        .prepare(
          `UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?, last_error = ?, next_attempt_at = ?
           WHERE id = ? AND state = 'pending'`,
        )
        .run(at, error, Math.ceil(nextAttemptAt), id);
    });
  }

  /** The server refused the upload for good; the row stays, and the audit log says so. */
  /**
   * Puts refused uploads back in the queue, with an audit row each. A refusal can be the
   * server's configuration (a wrong path, a proxy's 403) rather than the upload itself; the
   * Idempotency-Key makes another try harmless. Returns how many were requeued.
   */
  requeueRejected(at: number): number {
    this.requireOutbox();
    return this.write('requeue refused uploads', () =>
      this.db
        .transaction(() => {
          const rows = this.db.prepare("SELECT id, path, last_error FROM outbox WHERE state = 'rejected'").all() as {
            id: string;
            path: string;
            last_error: string | null;
          }[];
          for (const row of rows) {
            this.db.prepare("UPDATE outbox SET state = 'pending', next_attempt_at = ? WHERE id = ?").run(at, row.id);
            this.appendRow('upload_requeued', canonicalJson({ outboxId: row.id, path: row.path, refusedWith: row.last_error }));
          }
          return rows.length;
        })
        .immediate(),
    );
  }

  markRejected(id: string, at: number, error: string): void {
    this.requireOutbox();
    this.write('record a rejected upload', () =>
      this.db
        .transaction(() => {
          const row = this.db.prepare("SELECT path FROM outbox WHERE id = ? AND state = 'pending'").get(id) as
            | { path: string }
            | undefined;
          if (!row) return;
          this.db
            .prepare(
              `UPDATE outbox SET state = 'rejected', attempts = attempts + 1, last_attempt_at = ?, last_error = ? WHERE id = ?`,
            )
            .run(at, error, id);
          this.appendRow('error', canonicalJson({ source: 'upload', outboxId: id, path: row.path, error }));
        })
        .immediate(),
    );
  }

  outboxCounts(): { pending: number; delivered: number; rejected: number } {
    this.requireOutbox();
    return this.read('count the outbox', () => {
      const counts = { pending: 0, delivered: 0, rejected: 0 };
      for (const r of this.db.prepare('SELECT state, count(*) AS n FROM outbox GROUP BY state').all() as {
        state: OutboxState;
        n: number;
      }[]) {
        counts[r.state] = r.n;
      }
      return counts;
    });
  }

  /** Where one upload stands (e.g. whether the submission has been acknowledged); null if unknown. */
  outboxState(id: string): { state: OutboxState; attempts: number; lastError: string | null } | null {
    this.requireOutbox();
    const row = this.read('read the outbox', () =>
      this.db.prepare('SELECT state, attempts, last_error FROM outbox WHERE id = ?').get(id),
    ) as { state: OutboxState; attempts: number; last_error: string | null } | undefined;
    return row ? { state: row.state, attempts: row.attempts, lastError: row.last_error } : null;
  }

  /** Every upload and where it stands, oldest first (for export and review). */
  outboxItems(): OutboxRecord[] {
    this.requireOutbox();
    return this.read('read the outbox', () =>
      (
        this.db
          .prepare(
            `SELECT id, audit_seq, path, state, attempts, created_at, last_attempt_at, last_error, delivered_at
             FROM outbox ORDER BY created_at, rowid`,
          )
          .all() as {
          id: string;
          audit_seq: number;
          path: string;
          state: OutboxState;
          attempts: number;
          created_at: number;
          last_attempt_at: number | null;
          last_error: string | null;
          delivered_at: number | null;
        }[]
      ).map((r) => ({
        id: r.id,
        auditSeq: r.audit_seq,
        path: r.path,
        state: r.state,
        attempts: r.attempts,
        createdAt: r.created_at,
        lastAttemptAt: r.last_attempt_at,
        lastError: r.last_error,
        deliveredAt: r.delivered_at,
      })),
    );
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Inside a transaction: chains one row onto the head. */
  private appendRow(kind: AuditKind, payloadText: string): AuditEntry {
    const head = this.db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as
      | { seq: number; hash: string }
      | undefined;
    const seq = (head?.seq ?? 0) + 1;
    const prevHash = head?.hash ?? GENESIS_HASH;
    const at = Math.round(this.now());
    const hash = rowHash({ seq, at, kind, payload: payloadText, prevHash });
    this.db
      .prepare('INSERT INTO audit (seq, at, kind, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)')
      .run(seq, at, kind, payloadText, prevHash, hash);
    this.db
      .prepare('INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash')
      .run(seq, hash);
    return { seq, at, kind, payload: JSON.parse(payloadText) as Record<string, unknown>, prevHash, hash };
  }

  private encode(value: unknown, what: string, mustBeObject: boolean): string {
    if (mustBeObject && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new AuditStoreError('invalid_input', `The ${what} must be a JSON object.`);
    }
    try {
      return canonicalJson(value);
    } catch (cause) {
      throw new AuditStoreError('invalid_input', `The ${what} cannot be stored as JSON: ${describeCause(cause)}`, { cause });
    }
  }

  /** Overwrites the engine's saved state under `key` (JSON). */
  saveEngineState(key: string, value: unknown): void {
    this.requireVersion(30, 'engine state');
    const json = this.encode(value, 'engine state', false);
    this.write('save engine state', () => {
      this.db
        .prepare(
          `INSERT INTO engine_state (key, value, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        )
        .run(key, json, this.now());
    });
  }

  /** The engine's saved state under `key`, or null when there is none. */
  loadEngineState(key: string): unknown {
    this.requireVersion(30, 'engine state');
    const row = this.read('read engine state', () =>
      this.db.prepare('SELECT value FROM engine_state WHERE key = ?').get(key),
    ) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as unknown) : null;
  }

  private requireVersion(version: number, what: string): void {
    if (this.schemaVersion < version) {
      throw new AuditStoreError(
        'older_version',
        `${this.file} uses schema ${this.schemaVersion}, which has no ${what}; open it with the app once to upgrade it.`,
      );
    }
  }

  private requireOutbox(): void {
    if (this.schemaVersion < 20) {
      throw new AuditStoreError(
        'older_version',
        `${this.file} uses schema ${this.schemaVersion}, which has no outbox; open it with the app once to upgrade it.`,
      );
    }
  }

  private write<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (cause) {
      if (cause instanceof AuditStoreError) throw cause;
      throw new AuditStoreError('write_failed', `Could not ${what} in ${this.file}: ${describeCause(cause)}`, { cause });
    }
  }

  private read<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (cause) {
      if (cause instanceof AuditStoreError) throw cause;
      throw new AuditStoreError('read_failed', `Could not ${what} from ${this.file}: ${describeCause(cause)}`, { cause });
    }
  }
}

function toEntry(row: AuditRow): AuditEntry {
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(row.payload) as Record<string, unknown>;
  } catch {
    payload = { unparseable: row.payload };
  }
  return { seq: row.seq, at: row.at, kind: row.kind as AuditKind, payload, prevHash: row.prev_hash, hash: row.hash };
}

function openError(file: string, cause: unknown, nativeBinding: string | undefined): AuditStoreError {
  const text = describeCause(cause);
  const native =
    /NODE_MODULE_VERSION|bindings file|ERR_DLOPEN_FAILED|invalid ELF|was compiled against|Cannot find module/i.test(text) ||
    (cause as { code?: string })?.code === 'ERR_DLOPEN_FAILED';
  if (native) {
    return new AuditStoreError(
      'native_module',
      `Cannot load the SQLite module (better-sqlite3${nativeBinding ? ` from ${nativeBinding}` : ''}) for this runtime ` +
        `(Node ABI ${process.versions.modules}); rebuild it for this runtime. Cause: ${text}`,
      { cause },
    );
  }
  return new AuditStoreError('open_failed', `Cannot open audit database ${file}: ${text}`, { cause });
}
