import { randomUUID } from 'node:crypto';
import type { AuditKind, AuditPayload } from '../contract/audit-rows';
import type { SavedAnswer } from '../contract/exam';
import type { OutboxItem, OutboxPort, OutboxRecord, OutboxState } from '../contract/outbox';
import type { AuditEntry, AuditRecord, InvalidAuditRecord, VerifyResult } from './audit-chain';
import { AuditChain } from './audit-chain';
import { AuditStoreError } from './audit-store-error';
import { AnswersTable } from './answers-table';
import { EngineStateTable } from './engine-state-table';
import { sha256Hex } from './hash-chain';
import { databaseSettings, openDatabase } from './open-database';
import type { OpenDatabaseOptions } from './open-database';
import { OutboxTable } from './outbox-table';
import { encodeJson, StoreContext } from './store-context';

export { AUDIT_KINDS } from '../contract/audit-rows';
export type { AuditKind, AuditPayload } from '../contract/audit-rows';
export type { AuditEntry, AuditRecord, InvalidAuditRecord, VerifyResult } from './audit-chain';
export { AuditStoreError } from './audit-store-error';
export type { AuditStoreErrorCode } from './audit-store-error';

/** What append returns: the row, and the outbox id (Idempotency-Key) when an upload was queued. */
export type AppendedEntry<K extends AuditKind = AuditKind> = AuditRecord & { kind: K; outboxId: string | null };

export interface AuditStoreOptions extends OpenDatabaseOptions {
  now?: () => number;
}

/**
 * One SQLite database per exam attempt: the hash-chained audit log, the latest answers,
 * the upload outbox and the engine's saved state, each in its own table class. This front
 * owns the transactions: an audit row and the change it records (an upload queued, an
 * answer saved, an upload refused or requeued) commit together or not at all, and are on
 * disk (WAL, synchronous=FULL) before the method returns.
 */
export class AuditStore implements OutboxPort {
  private readonly chain: AuditChain;
  private readonly answerTable: AnswersTable;
  private readonly outbox: OutboxTable;
  private readonly engineState: EngineStateTable;

  private constructor(private readonly ctx: StoreContext) {
    this.chain = new AuditChain(ctx);
    this.answerTable = new AnswersTable(ctx);
    this.outbox = new OutboxTable(ctx);
    this.engineState = new EngineStateTable(ctx);
  }

  static open(file: string, opts: AuditStoreOptions = {}): AuditStore {
    const { db, version } = openDatabase(file, opts);
    return new AuditStore(new StoreContext(db, file, version, opts.now ?? Date.now));
  }

  get file(): string {
    return this.ctx.file;
  }

  get schemaVersion(): number {
    return this.ctx.schemaVersion;
  }

  /** How the file is being written (tests check WAL + FULL). */
  settings(): { journalMode: string; synchronous: number; schemaVersion: number } {
    return { ...databaseSettings(this.ctx.db), schemaVersion: this.ctx.schemaVersion };
  }

  /**
   * Appends one audit row and, when given, its upload, in one transaction. The payload must
   * fit its kind's schema (contract/audit-rows.ts); it is stored as given.
   */
  append<K extends AuditKind>(kind: K, payload: AuditPayload<K>, upload?: { path: string; body: unknown }): AppendedEntry<K> {
    const payloadText = encodeJson(payload, 'audit payload', true);
    let uploadRow: { path: string; body: string } | undefined;
    if (upload !== undefined) {
      if (typeof upload.path !== 'string' || !upload.path.startsWith('/')) {
        throw new AuditStoreError('invalid_input', `Upload path must start with "/", got ${JSON.stringify(upload.path)}.`);
      }
      uploadRow = { path: upload.path, body: encodeJson(upload.body, 'upload body', false) };
    }
    this.chain.validate(kind, payload);
    return this.ctx.transaction(`append a ${kind} audit row`, (): AppendedEntry<K> => {
      const entry = this.chain.appendEncoded(kind, payloadText);
      if (!uploadRow) return { ...entry, outboxId: null };
      const id = randomUUID();
      this.outbox.insert(id, entry.seq, uploadRow.path, uploadRow.body, entry.at);
      return { ...entry, outboxId: id };
    });
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
    return this.ctx.transaction(`save the answer to ${questionId}`, (): SavedAnswer => {
      const revision = this.answerTable.nextRevision(questionId);
      const entry = this.chain.append('answer_saved', { questionId, revision, length: value.length, sha256: sha256Hex(value) });
      const saved = { questionId, value, savedAt: entry.at, revision };
      this.answerTable.put(saved);
      return saved;
    });
  }

  answers(): SavedAnswer[] {
    return this.answerTable.all();
  }

  /** Walks the whole chain and names the first row that does not fit. */
  verify(): VerifyResult {
    return this.chain.verify();
  }

  /** The newest row's seq and hash: the anchor sent with the submission. */
  head(): { seq: number; hash: string } | null {
    return this.chain.head();
  }

  /** Checks that row `seq` still has the hash a third party recorded for it. */
  checkAnchor(anchor: { seq: number; hash: string }): { ok: true } | { ok: false; reason: string } {
    return this.chain.checkAnchor(anchor);
  }

  /** Rows for export and inspection; a row that does not fit its schema carries `problem`. */
  entries(opts: { afterSeq?: number; limit?: number } = {}): AuditEntry[] {
    return this.chain.entries(opts);
  }

  /** Rows typed by kind (`valid: true`), or named as not fitting their schema (`valid: false`). */
  records(opts: { afterSeq?: number; limit?: number } = {}): (AuditRecord | InvalidAuditRecord)[] {
    return this.chain.records(opts);
  }

  dueOutbox(now: number, limit: number): OutboxItem[] {
    return this.outbox.due(now, limit);
  }

  markDelivered(id: string, at: number): void {
    this.outbox.markDelivered(id, at);
  }

  markFailed(id: string, at: number, error: string, nextAttemptAt: number): void {
    this.outbox.markFailed(id, at, error, nextAttemptAt);
  }

  /**
   * Puts refused uploads back in the queue, with an audit row each. A refusal can be the
   * server's configuration (a wrong path, a proxy's 403) rather than the upload itself; the
   * Idempotency-Key makes another try harmless. Returns how many were requeued.
   */
  requeueRejected(at: number): number {
    this.outbox.require();
    return this.ctx.transaction('requeue refused uploads', () => {
      const rows = this.outbox.rejected();
      for (const row of rows) {
        this.outbox.setPending(row.id, at);
        this.chain.append('upload_requeued', { outboxId: row.id, path: row.path, refusedWith: row.lastError });
      }
      return rows.length;
    });
  }

  /** The server refused the upload for good; the row stays, and the audit log says so. */
  markRejected(id: string, at: number, error: string): void {
    this.outbox.require();
    this.ctx.transaction('record a rejected upload', () => {
      const path = this.outbox.pendingPath(id);
      if (path === null) return;
      this.outbox.setRejected(id, at, error);
      this.chain.append('error', { source: 'upload', outboxId: id, path, error });
    });
  }

  outboxCounts(): { pending: number; delivered: number; rejected: number } {
    return this.outbox.counts();
  }

  /** Where one upload stands (e.g. whether the submission has been acknowledged); null if unknown. */
  outboxState(id: string): { state: OutboxState; attempts: number; lastError: string | null } | null {
    return this.outbox.state(id);
  }

  /** Every upload and where it stands, oldest first (for export and review). */
  outboxItems(): OutboxRecord[] {
    return this.outbox.items();
  }

  /** Overwrites the engine's saved state under `key` (JSON). */
  saveEngineState(key: string, value: unknown): void {
    this.engineState.save(key, value);
  }

  /** The engine's saved state under `key`, or null when there is none. */
  loadEngineState(key: string): unknown {
    return this.engineState.load(key);
  }

  close(): void {
    if (this.ctx.db.open) this.ctx.db.close();
  }
}
