import { randomBytes, randomUUID } from 'node:crypto';
import type { AuditKind, AuditPayload } from '../contract/audit-rows';
import type { SavedAnswer } from '../contract/exam';
import type { OutboxItem, OutboxPort, OutboxRecord, OutboxState } from '../contract/outbox';
import type { AuditEntry, AuditRecord, InvalidAuditRecord, VerifyResult } from './audit-chain';
import { AuditChain, KEYED_SINCE } from './audit-chain';
import { outboxBodyProblem } from './attempt-evidence';
import { AttemptChecks, type EvidenceReport, type SegmentStart } from './attempt-checks';
import { appendWithUpload, encodeUpload, type AppendedEntry, type Upload } from './chained-upload';
import type { ChainInspection } from './chain-verifier';
import { KEY_BYTES, type Checkpoint } from './keyed-chain';
import { AuditStoreError } from './audit-store-error';
import { AnswersTable } from './answers-table';
import { EngineStateTable } from './engine-state-table';
import { sha256Hex } from './hash-chain';
import { databaseSettings, openDatabase } from './open-database';
import type { OpenDatabaseOptions } from './open-database';
import { OutboxTable } from './outbox-table';
import { encodeJson, requireWellFormed, StoreContext } from './store-context';

export { AUDIT_KINDS } from '../contract/audit-rows';
export type { AuditKind, AuditPayload } from '../contract/audit-rows';
export type { AuditEntry, AuditRecord, InvalidAuditRecord, VerifyResult } from './audit-chain';
export type { ChainBreak, ChainInspection } from './chain-verifier';
export type { EvidenceProblem } from './attempt-evidence';
export type { Checkpoint } from './keyed-chain';
export { AuditStoreError } from './audit-store-error';
export type { AuditStoreErrorCode } from './audit-store-error';

export type { AppendedEntry } from './chained-upload';
export type { EvidenceReport, SegmentStart } from './attempt-checks';

export interface AuditStoreOptions extends OpenDatabaseOptions {
  now?: () => number;
}

/** The path an offline attempt escrows its K_0 to (src-server/attempt-routes.ts). */
export const keyEscrowPath = (sessionId: string): string => `/api/sessions/${encodeURIComponent(sessionId)}/key-escrow`;

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
  private readonly checks: AttemptChecks;

  private constructor(private readonly ctx: StoreContext) {
    this.chain = new AuditChain(ctx);
    this.answerTable = new AnswersTable(ctx);
    this.outbox = new OutboxTable(ctx);
    this.engineState = new EngineStateTable(ctx);
    this.checks = new AttemptChecks(ctx, this.chain, this.outbox, this.engineState);
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
  append<K extends AuditKind>(kind: K, payload: AuditPayload<K>, upload?: Upload): AppendedEntry<K> {
    const payloadText = encodeJson(payload, 'audit payload', true);
    const uploadRow = upload === undefined ? undefined : encodeUpload(upload);
    this.chain.validate(kind, payload);
    return this.ctx.transaction(`append a ${kind} audit row`, () => appendWithUpload(this.chain, this.outbox, kind, payloadText, uploadRow));
  }

  /**
   * Starts the attempt's chain: installs K_0 (the server's, or one made here when there is
   * none) and writes session_started, and, when `escrow` gives one, the upload that hands
   * a locally made K_0 to the server, all in one transaction. Returns K_0 and whether it
   * was made here; the caller keeps it only as long as it needs to.
   */
  startAttempt(
    payload: AuditPayload<'session_started'>,
    opts: { k0?: Buffer; escrow?: (k0: Buffer) => Upload | null } = {},
  ): { entry: AppendedEntry<'session_started'>; k0: Buffer; generated: boolean } {
    const payloadText = encodeJson(payload, 'audit payload', true);
    this.chain.validate('session_started', payload);
    const k0 = opts.k0 ?? randomBytes(KEY_BYTES);
    const escrow = opts.k0 === undefined && opts.escrow ? opts.escrow(k0) : null;
    const uploadRow = escrow ? encodeUpload(escrow) : undefined;
    return this.ctx.transaction('start the attempt', () => {
      this.chain.installKey(k0);
      return { entry: appendWithUpload(this.chain, this.outbox, 'session_started', payloadText, uploadRow), k0, generated: opts.k0 === undefined };
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
    requireWellFormed(questionId, 'The question id');
    requireWellFormed(value, 'The answer');
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

  /**
   * Walks the whole chain and names the first row that does not fit; with K_0 (the
   * proctor's, from the server) every tag is checked too.
   */
  verify(k0?: Buffer): VerifyResult {
    return this.chain.verify(k0);
  }

  /** The walk in detail: breaks already recorded in a segment, the new one, untagged rows. */
  inspect(k0?: Buffer): ChainInspection {
    return this.chain.inspect(k0);
  }

  /** Checkpoint `{seq, hash, tag}` of row `seq` (default: the newest row), for the exam server. */
  checkpoint(seq?: number): Checkpoint | null {
    return this.chain.checkpoint(seq);
  }

  /** Queues the newest row's checkpoint for the server at `path`, with its own audit row. */
  queueCheckpoint(path: string): AppendedEntry<'checkpoint_queued'> | null {
    const cp = this.checkpoint();
    return cp ? this.append('checkpoint_queued', cp, { path, body: cp }) : null;
  }

  /** Whether the stored key is present and is the key of the next row (a local consistency check only). */
  keyInStep(): boolean {
    return this.ctx.schemaVersion >= KEYED_SINCE && this.ctx.read('read the chain key', () => this.chain.keyInStep());
  }

  /** Answers, pending upload bodies and detector state that do not match what the chain recorded. */
  evidenceProblems(): EvidenceReport {
    return this.checks.evidenceProblems();
  }

  /** Records a finding of tampering, and the segment it starts (attempt-checks.ts). */
  recordTampering(finding: AuditPayload<'log_tampered'>, upload: Upload | null, segment?: SegmentStart): AppendedEntry<'log_tampered'> {
    return this.checks.recordTampering(finding, upload, segment);
  }

  /** Refuses for good every pending upload whose body does not match its record; returns how many. */
  refuseTamperedUploads(now: number): number {
    return this.checks.refuseTamperedUploads(now);
  }

  /** Drops untrusted detector state (after its finding), so the detectors start afresh. */
  dropEngineState(key: string): void {
    this.checks.dropEngineState(key);
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

  /**
   * Pending uploads now due. A body that is not the one its upload_queued row hashed is
   * never sent: it is refused here for good, with an `error` row naming it (the restore's
   * integrity check records the log_tampered finding).
   */
  dueOutbox(now: number, limit: number): OutboxItem[] {
    const items: OutboxItem[] = [];
    for (const { bodyText, ...item } of this.outbox.due(now, limit)) {
      const problem = this.ctx.read('check an upload', () => outboxBodyProblem(this.ctx.db, { id: item.id, auditSeq: item.auditSeq, bodyText }));
      if (problem === null) items.push(item);
      else this.checks.refuseTampered(item.id, item.path, now, problem.message);
    }
    return items;
  }

  /** Delivered; an escrowed K_0 is erased from the stored body, since the server now holds it. */
  markDelivered(id: string, at: number): void {
    this.outbox.markDelivered(id, at);
    this.ctx.transaction('erase a delivered key', () => {
      const row = this.outbox.raw(id);
      if (row?.state !== 'delivered' || !row.path.endsWith('/key-escrow')) return;
      const body = JSON.parse(row.body) as Record<string, unknown>;
      if (typeof body.k0 !== 'string') return;
      this.outbox.replaceBody(id, encodeJson({ ...body, k0: null, k0Erased: true }, 'upload body', false));
      this.ctx.secretReplaced(true);
    });
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

  /** Overwrites the engine's saved state under `key` (JSON), with its hash in the chain. */
  saveEngineState(key: string, value: unknown): void {
    this.engineState.require();
    const json = encodeJson(value, 'engine state', false);
    this.ctx.transaction('save engine state', () => {
      this.engineState.put(key, json);
      this.chain.append('engine_state_saved', { key, sha256: sha256Hex(json) });
    });
  }

  /**
   * The engine's saved state under `key`, or null when there is none or when it is not the
   * state the chain recorded (never used unverified; evidenceProblems names it).
   */
  loadEngineState(key: string): unknown {
    const text = this.engineState.loadText(key);
    if (text === null) return null;
    if (this.ctx.read('check engine state', () => this.checks.engineStateProblem(key, text))) return null;
    return JSON.parse(text) as unknown;
  }

  /**
   * The latest wall time the log vouches for: the greatest `at` of any row, or the last row's
   * `at` with the clock's net recorded set-back (`clock_jump` rows) added back, whichever is
   * later. Null for an empty log. An offline restart must not think it is earlier than this.
   */
  latestWallTime(): number | null {
    return this.ctx.read('read the latest time in the audit log', () => this.chain.latestWallTime());
  }

  /** Truncates the WAL now, so no replaced key stays in it (see StoreContext.eraseReplacedSecrets). */
  eraseReplacedKeys(): boolean {
    return this.ctx.eraseReplacedSecrets();
  }

  close(): void {
    if (!this.ctx.db.open) return;
    this.ctx.eraseReplacedSecrets();
    this.ctx.db.close();
  }
}
