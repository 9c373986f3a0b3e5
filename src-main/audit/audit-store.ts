import { randomBytes, randomUUID } from 'node:crypto';
import type { AuditKind, AuditPayload } from '../contract/audit-rows';
import type { SavedAnswer } from '../contract/exam';
import type { OutboxItem, OutboxPort, OutboxRecord, OutboxState } from '../contract/outbox';
import type { AuditEntry, AuditRecord, InvalidAuditRecord, VerifyResult } from './audit-chain';
import { AuditChain, KEYED_SINCE } from './audit-chain';
import { answerProblems, engineStateProblem, outboxBodyProblem, outboxProblems, type EvidenceProblem } from './attempt-evidence';
import type { ChainInspection } from './chain-verifier';
import { KEY_BYTES, type Checkpoint } from './keyed-chain';
import { AuditStoreError } from './audit-store-error';
import { AnswersTable } from './answers-table';
import { EngineStateTable } from './engine-state-table';
import { sha256Hex } from './hash-chain';
import { databaseSettings, openDatabase } from './open-database';
import type { OpenDatabaseOptions } from './open-database';
import { OutboxTable, TAMPERED_PREFIX } from './outbox-table';
import { encodeJson, StoreContext } from './store-context';

export { AUDIT_KINDS } from '../contract/audit-rows';
export type { AuditKind, AuditPayload } from '../contract/audit-rows';
export type { AuditEntry, AuditRecord, InvalidAuditRecord, VerifyResult } from './audit-chain';
export type { ChainBreak, ChainInspection } from './chain-verifier';
export type { EvidenceProblem } from './attempt-evidence';
export type { Checkpoint } from './keyed-chain';
export { AuditStoreError } from './audit-store-error';
export type { AuditStoreErrorCode } from './audit-store-error';

/** What append returns: the row, and the outbox id (Idempotency-Key) when an upload was queued. */
export type AppendedEntry<K extends AuditKind = AuditKind> = AuditRecord & { kind: K; outboxId: string | null };

export interface AuditStoreOptions extends OpenDatabaseOptions {
  now?: () => number;
}

type Upload = { path: string; body: unknown };

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
  append<K extends AuditKind>(kind: K, payload: AuditPayload<K>, upload?: Upload): AppendedEntry<K> {
    const payloadText = encodeJson(payload, 'audit payload', true);
    const uploadRow = upload === undefined ? undefined : encodeUpload(upload);
    this.chain.validate(kind, payload);
    return this.ctx.transaction(`append a ${kind} audit row`, () => this.appendWithUpload(kind, payloadText, uploadRow));
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
      return { entry: this.appendWithUpload('session_started', payloadText, uploadRow), k0, generated: opts.k0 === undefined };
    });
  }

  /** Inside a transaction: the row, its upload and the upload_queued row holding the body's hash. */
  private appendWithUpload<K extends AuditKind>(kind: K, payloadText: string, uploadRow?: { path: string; body: string }): AppendedEntry<K> {
    const entry = this.chain.appendEncoded(kind, payloadText);
    if (!uploadRow) return { ...entry, outboxId: null };
    const id = randomUUID();
    this.outbox.insert(id, entry.seq, uploadRow.path, uploadRow.body, entry.at);
    this.chain.append('upload_queued', { outboxId: id, path: uploadRow.path, sha256: sha256Hex(uploadRow.body) });
    return { ...entry, outboxId: id };
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
  evidenceProblems(): { answers: (EvidenceProblem & { questionId: string })[]; outbox: EvidenceProblem[]; engineState: EvidenceProblem[] } {
    return this.ctx.read('check the attempt against its chain', () => ({
      answers: answerProblems(this.ctx.db),
      outbox: this.ctx.schemaVersion >= 20 ? outboxProblems(this.ctx.db) : [],
      engineState: this.engineStateProblems(),
    }));
  }

  /**
   * Records a finding of tampering: a `log_tampered` row and, in the same transaction, its
   * upload to the server. With `segment`, a `segment_started` row naming the break comes
   * first, so the chain carries on from here; a key missing or out of step is replaced by
   * a fresh local one (`rekeyed`), since the old one cannot be trusted to be the server's.
   */
  recordTampering(
    finding: AuditPayload<'log_tampered'>,
    upload: Upload | null,
    segment?: { brokenSeq: number; reason: string; previousHead: { seq: number; hash: string } | null; replacedFile: string | null },
  ): AppendedEntry<'log_tampered'> {
    const uploadRow = upload ? encodeUpload(upload) : undefined;
    return this.ctx.transaction('record a finding of tampering', () => {
      if (segment) {
        if (segment.previousHead) this.chain.resetHead(segment.previousHead);
        const rekeyed = !this.chain.keyInStep();
        if (rekeyed) this.chain.rekey(randomBytes(KEY_BYTES));
        this.chain.append('segment_started', { at: finding.at, ...segment, rekeyed });
      }
      return this.appendWithUpload('log_tampered', encodeJson(finding, 'audit payload', true), uploadRow);
    });
  }

  /** Drops untrusted detector state (after its finding), so the detectors start afresh. */
  dropEngineState(key: string): void {
    this.engineState.require();
    this.ctx.transaction('drop engine state', () => this.engineState.remove(key));
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
      else this.refuseTampered(item.id, item.path, now, problem.message);
    }
    return items;
  }

  /** Refuses for good every pending upload whose body does not match its record; returns how many. */
  refuseTamperedUploads(now: number): number {
    if (this.ctx.schemaVersion < 20) return 0;
    const problems = this.ctx.read('check the outbox', () => outboxProblems(this.ctx.db));
    for (const p of problems) this.refuseTampered(p.outboxId, this.outbox.raw(p.outboxId)?.path ?? '', now, p.message);
    return problems.length;
  }

  private refuseTampered(id: string, path: string, at: number, message: string): void {
    const error = `${TAMPERED_PREFIX} ${message}`;
    this.ctx.transaction('refuse a tampered upload', () => {
      this.outbox.setRejected(id, at, error);
      this.chain.append('error', { source: 'upload', outboxId: id, path, error });
    });
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
    if (this.ctx.read('check engine state', () => this.engineStateProblem(key, text))) return null;
    return JSON.parse(text) as unknown;
  }

  private engineStateProblems(): EvidenceProblem[] {
    if (this.ctx.schemaVersion < 30) return [];
    return this.engineState.keys().flatMap((key) => {
      const problem = this.engineStateProblem(key, this.engineState.loadText(key) ?? 'null');
      return problem ? [{ ...problem, key }] : [];
    });
  }

  /** A state saved before the chain recorded engine state (first row untagged) has no record to miss. */
  private engineStateProblem(key: string, text: string): EvidenceProblem | null {
    const problem = engineStateProblem(this.ctx.db, key, text);
    if (problem?.seq === null && !this.chain.keyedFromStart()) return null;
    return problem;
  }

  close(): void {
    if (this.ctx.db.open) this.ctx.db.close();
  }
}

function encodeUpload(upload: Upload): { path: string; body: string } {
  if (typeof upload.path !== 'string' || !upload.path.startsWith('/')) {
    throw new AuditStoreError('invalid_input', `Upload path must start with "/", got ${JSON.stringify(upload.path)}.`);
  }
  return { path: upload.path, body: encodeJson(upload.body, 'upload body', false) };
}
