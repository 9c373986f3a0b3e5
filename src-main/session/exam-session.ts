import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ActivityWindower } from '../activity/activity-windower';
import { AuditStore } from '../audit/audit-store';
import {
  SaveAnswerInputSchema,
  SubmitInputSchema,
  WindowEventSchema,
  err,
  ok,
} from '../contract';
import type {
  ActivityPackage,
  Exam,
  IntegrityKind,
  Policy,
  RawEventSource,
  Result,
  RiskState,
  SaveAnswerInput,
  SavedAnswer,
  Scheduler,
  SessionPhase,
  SessionSnapshot,
  SubmissionReceipt,
  VigilApi,
  WindowEvent,
} from '../contract';
import { FlagOrchestrator } from '../detection/orchestrator';
import { RiskLedger } from '../detection/risk-ledger';
import { OutboxRelay } from '../upload/outbox-relay';
import { createRealScheduler } from '../upload/real-scheduler';
import { checkAnswer } from './answer-rules';
import { restoreAttempt } from './attempt-restore';
import type { RestoredAttempt } from './attempt-restore';

export interface ExamSessionOptions {
  exam: Exam;
  policy: Policy;
  /** Folder holding one SQLite database per exam attempt. */
  dataDir: string;
  studentId: string;
  scheduler?: Scheduler;
  /** Raw event producers (input hook, system sampler); the session starts and stops them. */
  sources?: RawEventSource[];
  /** better-sqlite3 build for the running ABI (Electron's), when it is not Node's. */
  nativeBinding?: string;
  /** Overrides policy.serverUrl (the `--server-url` flag). */
  serverUrl?: string | null;
  log?: (line: string) => void;
}

/**
 * The database of one attempt: the same exam and student always resume the same file. The
 * readable part of the name is lossy ("a.b" and "a_b" both read a_b), so a digest of the
 * exact student id keeps two students apart.
 */
export const attemptDatabaseFile = (dataDir: string, examId: string, studentId: string): string => {
  const readable = studentId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  const digest = createHash('sha256').update(studentId).digest('hex').slice(0, 12);
  return path.join(dataDir, `${examId}--${readable}-${digest}.sqlite`);
};

export async function openExamSession(opts: ExamSessionOptions): Promise<ExamSession> {
  mkdirSync(opts.dataDir, { recursive: true });
  const file = attemptDatabaseFile(opts.dataDir, opts.exam.id, opts.studentId);
  const scheduler = opts.scheduler ?? createRealScheduler();
  const store = AuditStore.open(file, {
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
    now: () => scheduler.now(),
  });
  try {
    const restored = restoreAttempt(store, opts.policy);
    return new ExamSession(opts, store, scheduler, restored);
  } catch (e) {
    store.close();
    throw e;
  }
}

/**
 * One student's attempt at one exam. It owns the state machine (active -> locked ->
 * submitted), wires capture -> activity -> detection -> ledger, writes every decision to
 * the audit log and queues uploads. It is the engine behind `window.vigil`, identical
 * under Electron's IPC and under Playwright's bridge.
 */
export class ExamSession implements VigilApi {
  readonly sessionId: string;
  readonly file: string;
  private phase: SessionPhase;
  private risk: RiskState;
  private submission: SubmissionReceipt | null;
  /** The audit row of the submission, whose outbox item says whether the server has it. */
  private submissionSeq: number | null;
  private uploadNotice: string | null = null;
  private readonly answers = new Map<string, SavedAnswer>();
  private readonly notices = new Set<string>();
  private readonly listeners = new Set<(s: SessionSnapshot) => void>();
  private readonly windower: ActivityWindower;
  private readonly orchestrator: FlagOrchestrator;
  private readonly ledger: RiskLedger;
  private readonly relay: OutboxRelay;
  private readonly startedAt: number;
  private readonly deadline: number;
  private readonly cancelTimers: Array<() => void> = [];
  private readonly startedSources: RawEventSource[] = [];
  private closed = false;

  constructor(
    private readonly opts: ExamSessionOptions,
    private readonly store: AuditStore,
    private readonly scheduler: Scheduler,
    restored: RestoredAttempt | null,
  ) {
    const now = scheduler.now();
    const { exam, studentId } = opts;
    const policy = restored?.policy ?? opts.policy;
    this.file = attemptDatabaseFile(opts.dataDir, exam.id, studentId);
    this.ledger = restored?.ledger ?? new RiskLedger(policy.ledger, policy.classifier.thresholds);
    this.orchestrator = new FlagOrchestrator({ policy: policy.classifier, clock: scheduler });

    if (restored) {
      this.sessionId = restored.sessionId;
      this.startedAt = restored.startedAt;
      this.phase = restored.phase;
      this.submission = restored.submission;
      this.submissionSeq = restored.submissionSeq;
      store.append('session_resumed', { sessionId: this.sessionId, at: now, phase: this.phase });
    } else {
      this.sessionId = randomUUID();
      this.startedAt = now;
      this.phase = 'active';
      this.submission = null;
      this.submissionSeq = null;
      store.append('session_started', {
        sessionId: this.sessionId,
        examId: exam.id,
        studentId,
        at: now,
        durationMinutes: exam.durationMinutes,
        policy,
      });
    }
    this.deadline = this.startedAt + exam.durationMinutes * 60_000;
    this.risk = this.ledger.state(now);
    if (restored) this.restoreDetectionState();
    for (const a of store.answers()) this.answers.set(a.questionId, a);

    // The server may move between runs (IT's newer policy or the flag); the rules may not.
    const serverUrl = opts.serverUrl !== undefined ? opts.serverUrl : opts.policy.serverUrl;
    // Each start gives refused uploads one more chance: the refusal may have been the
    // server's configuration, fixed since (the audit keeps both the refusal and the retry).
    if (serverUrl && store.requeueRejected(now) > 0) this.log('requeued uploads the server had refused');
    this.relay = new OutboxRelay({
      outbox: store,
      serverUrl,
      scheduler,
      onStatusChange: (status) => {
        // A pass queued before close() finds the database closed: not an upload problem.
        if (this.closed) return;
        this.uploadNotice = status.lastError
          ? 'The exam server cannot be reached right now. Your answers are saved on this computer and will be uploaded when it is back.'
          : null;
        if (status.lastError) this.log(`upload: ${status.lastError}`);
        this.refreshDelivery();
        this.emit();
      },
    });
    this.relay.start();
    if (!serverUrl) this.notices.add('No exam server is configured: your answers are saved on this computer and queued for upload.');
    this.refreshDelivery();

    this.windower = new ActivityWindower({
      sessionId: this.sessionId,
      windowMs: policy.windowSeconds * 1000,
      startAt: now,
      firstSequence: restored?.nextSequence ?? 0,
    });

    if (this.phase === 'active' && this.risk.locked) {
      // A crash after the score reached 100 but before the lock was written: lock now.
      this.lockAndSubmit();
    } else if (this.phase === 'active') {
      this.startSources();
      this.cancelTimers.push(scheduler.every(policy.windowSeconds * 1000, () => this.scorePendingPackages()));
      this.cancelTimers.push(scheduler.every(DETECTION_STATE_SAVE_MS, () => this.saveDetectionState()));
      this.cancelTimers.push(scheduler.after(Math.max(0, this.deadline - now), () => this.trySubmit('time_up')));
    } else if (this.phase === 'locked') {
      // A crash between lock and submission: finish what the lock started.
      this.submitExam('risk_limit');
    } else if (this.submission && !this.submission.delivered) {
      this.watchDelivery();
    }
  }

  // ---- VigilApi -------------------------------------------------------------------------

  async getSnapshot(): Promise<Result<SessionSnapshot>> {
    return ok(this.snapshot());
  }

  async saveAnswer(input: SaveAnswerInput): Promise<Result<SavedAnswer>> {
    const parsed = SaveAnswerInputSchema.safeParse(input);
    // The schema's messages say what is wrong (the length limit, an unpaired surrogate).
    if (!parsed.success) {
      return this.rejected('saveAnswer', `${parsed.error.issues.map((i) => i.message).join('; ')}; it was not saved.`);
    }
    // The time-up timer can fire late (a suspended laptop); the deadline itself is what counts.
    if (this.phase === 'active' && this.scheduler.now() >= this.deadline) this.trySubmit('time_up');
    // A locked exam still takes the saves the page flushes before its submission is written.
    if (this.phase === 'submitted') {
      return err('session_submitted', 'The exam has been submitted; answers can no longer change.');
    }
    const problem = checkAnswer(this.opts.exam, parsed.data);
    if (problem) return this.rejected('saveAnswer', problem);
    try {
      const saved = this.store.saveAnswer(parsed.data);
      this.answers.set(saved.questionId, saved);
      this.emit();
      return ok(saved);
    } catch (e) {
      return this.storageFailure('saving an answer', e);
    }
  }

  async reportWindowEvent(event: WindowEvent): Promise<Result<null>> {
    const parsed = WindowEventSchema.safeParse(event);
    if (!parsed.success) return this.rejected('reportWindowEvent', 'Unrecognised window event.');
    if (this.phase !== 'active') return ok(null);
    const e = parsed.data;
    const t = this.scheduler.now();
    try {
      if (e.kind === 'focus') {
        this.windower.push({ kind: 'focus', t, focused: e.focused });
        if (!e.focused) this.recordIntegrity('focus_lost');
      } else {
        this.windower.push({ kind: 'clipboard', t, action: e.action, external: e.external });
        if (e.action === 'paste' && e.external) this.recordIntegrity('external_paste');
      }
      return ok(null);
    } catch (e2) {
      return this.storageFailure('recording a window event', e2);
    }
  }

  async submit(input: { confirm: true }): Promise<Result<SubmissionReceipt>> {
    if (!SubmitInputSchema.safeParse(input).success) return err('invalid_input', 'Submission needs confirmation.');
    if (this.phase === 'submitted' && this.submission) return ok(this.submission);
    try {
      // The record says why the exam really ended: a lock still retrying its submission, or a late time-up timer.
      const reason = this.phase === 'locked' ? 'risk_limit' : this.scheduler.now() >= this.deadline ? 'time_up' : 'student';
      return ok(this.submitExam(reason));
    } catch (e) {
      return this.storageFailure('submitting', e);
    }
  }

  onSnapshot(listener: (snapshot: SessionSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- engine ---------------------------------------------------------------------------

  /**
   * A call that never reached the engine (refused sender, payload that failed validation
   * in the IPC adapter): kept in the audit so a proctor sees it too.
   */
  recordRejectedCall(call: string, reason: string): void {
    try {
      this.store.append('error', { what: 'rejected call', call, reason });
    } catch (e) {
      this.log(`could not audit a rejected ${call}: ${String(e)}`);
    }
  }

  /** Status of queued uploads, for the shell and tests. */
  uploadStatus() {
    return this.relay.status();
  }

  /** Delivers queued uploads now (tests, and the shell before quitting). */
  async flushUploads() {
    const result = await this.relay.flush();
    if (!this.closed && this.refreshDelivery()) this.emit();
    return result;
  }

  /** Marks the receipt delivered once the server has acknowledged the submission; true if it changed. */
  private refreshDelivery(): boolean {
    if (!this.submission || this.submission.delivered || this.submissionSeq === null) return false;
    const item = this.store.outboxItems().find((o) => o.auditSeq === this.submissionSeq);
    if (item?.state !== 'delivered') return false;
    this.submission = { ...this.submission, delivered: true };
    return true;
  }

  /** Closes the windows that have ended and scores them. Called on the window cadence. */
  scorePendingPackages(): void {
    if (this.phase !== 'active') return;
    try {
      for (const pkg of this.windower.drain(this.scheduler.now())) this.scorePackage(pkg);
    } catch (e) {
      this.reportError('scoring activity', e);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopSources();
    if (this.phase === 'active') this.saveDetectionState();
    for (const cancel of this.cancelTimers.splice(0)) cancel();
    this.relay.stop();
    this.listeners.clear();
    this.store.close();
  }

  private scorePackage(pkg: ActivityPackage): void {
    const { sessionId } = this;
    const result = this.orchestrator.processPackage(pkg, sessionId, this.opts.studentId);
    this.store.append('package_scored', {
      sequence: pkg.sequence,
      startedAt: pkg.startedAt,
      endedAt: pkg.endedAt,
      keystrokeCount: pkg.keystrokeCount,
      shouldFlag: result.shouldFlag,
      level: result.riskLevel,
      probability: result.probability,
      confidence: result.confidence,
      patterns: result.patterns,
      featureScores: result.featureScores,
      inputIssues: result.inputIssues,
    });
    if (result.shouldFlag && result.flagFile) {
      this.store.append(
        'flag_raised',
        { sequence: pkg.sequence, level: result.riskLevel, probability: result.probability, patterns: result.patterns },
        { path: `/api/flagged-activity/${enc(sessionId)}/${enc(this.opts.studentId)}`, body: result.flagFile },
      );
    }
    this.updateRisk(this.ledger.recordDetection(result, pkg.endedAt));
  }

  /**
   * The detectors' baselines and the typist enrolment survive a restart; otherwise a
   * restarted app would enrol whoever types next as the student.
   */
  private saveDetectionState(): void {
    const snapshot = this.orchestrator.exportSession(this.sessionId);
    if (!snapshot) return;
    try {
      this.store.saveEngineState(DETECTION_STATE_KEY, snapshot);
    } catch (e) {
      this.reportError('saving the detection baselines', e);
    }
  }

  private restoreDetectionState(): void {
    const saved = this.store.loadEngineState(DETECTION_STATE_KEY);
    if (saved === null) return;
    const restored = this.orchestrator.importSession(this.sessionId, saved);
    if (!restored.ok) this.reportError('restoring the detection baselines', new Error(restored.error.message));
  }

  /** The ledger words the kind itself ("Left the exam window"); `detail` adds specifics. */
  private recordIntegrity(kind: IntegrityKind, detail = ''): void {
    const at = this.scheduler.now();
    const message = detail;
    this.store.append('integrity_event', { kind, at, message });
    this.updateRisk(this.ledger.recordIntegrity(kind, at, message));
  }

  private updateRisk(next: RiskState): void {
    const before = this.risk;
    this.risk = next;
    if (next.score !== before.score || next.warning !== before.warning || next.locked !== before.locked) {
      this.store.append('risk_changed', { from: before.score, to: next.score, level: next.level, reasons: next.reasons, warning: next.warning });
      this.emit();
    }
    if (next.locked && this.phase === 'active') this.lockAndSubmit();
  }

  /**
   * At 100: lock, flush answers, auto-submit, record why. The page saves what it still holds
   * (text inside its autosave delay) when it sees the lock; the submission waits for that.
   */
  private lockAndSubmit(): void {
    this.phase = 'locked';
    this.stopSources();
    this.store.append('session_locked', { at: this.scheduler.now(), score: this.risk.score, reasons: this.risk.reasons });
    this.emit();
    this.cancelTimers.push(this.scheduler.after(LOCK_FLUSH_MS, () => this.trySubmit('risk_limit')));
  }

  private submitExam(reason: SubmissionReceipt['reason']): SubmissionReceipt {
    if (this.submission) return this.submission;
    const submittedAt = this.scheduler.now();
    this.stopSources();
    for (const cancel of this.cancelTimers.splice(0)) cancel();
    // Score what is still open, so the last seconds of activity are on the record too
    // (also at a lock: updateRisk does not lock twice once the phase has left 'active').
    if (this.phase !== 'submitted') {
      for (const pkg of this.windower.drain(submittedAt)) this.scorePackage(pkg);
    }
    const answers = [...this.answers.values()];
    const body = {
      sessionId: this.sessionId,
      studentId: this.opts.studentId,
      examId: this.opts.exam.id,
      submittedAt,
      reason,
      answers: answers.map(({ questionId, value, savedAt, revision }) => ({ questionId, value, savedAt, revision })),
      risk: { score: this.risk.score, level: this.risk.level, reasons: this.risk.reasons },
      // The server keeps this; `npm run audit -- verify --anchor SEQ:HASH` checks the local log against it.
      auditHead: this.store.head(),
    };
    this.submissionSeq = this.store.append(
      'submission',
      { submittedAt, reason, answerCount: answers.length, riskScore: this.risk.score },
      { path: `/api/submissions/${enc(this.sessionId)}/${enc(this.opts.studentId)}`, body },
    ).seq;
    this.submission = { submittedAt, reason, answerCount: answers.length, delivered: false };
    this.phase = 'submitted';
    this.emit();
    this.watchDelivery();
    void this.flushUploads().catch((e) => this.log(`upload after submission failed: ${String(e)}`));
    return this.submission;
  }

  /** The relay delivers in the background; tell the student when the server has it. */
  private watchDelivery(): void {
    const stopWatching = this.scheduler.every(2000, () => {
      try {
        if (this.refreshDelivery()) this.emit();
      } catch (e) {
        this.log(`checking the submission's delivery failed: ${String(e)}`);
      }
      if (this.submission?.delivered) stopWatching();
    });
    this.cancelTimers.push(stopWatching);
  }

  /**
   * The exam must end (time up, lock): a submission that cannot be written is reported and
   * retried, never thrown out of a timer or left waiting for a restart.
   */
  private trySubmit(reason: SubmissionReceipt['reason']): void {
    if (this.closed) return; // the next open finishes it (restored phase, deadline)
    try {
      this.submitExam(reason);
    } catch (e) {
      this.reportError('submitting', e);
      this.cancelTimers.push(this.scheduler.after(SUBMIT_RETRY_MS, () => this.trySubmit(reason)));
    }
  }

  private startSources(): void {
    for (const source of this.opts.sources ?? []) {
      try {
        source.start((event) => {
          if (this.phase === 'active') this.windower.push(event);
        });
        this.startedSources.push(source);
      } catch (e) {
        this.reportError(`starting ${source.name}`, e);
      }
    }
  }

  private stopSources(): void {
    for (const source of this.startedSources.splice(0)) {
      try {
        source.stop();
      } catch (e) {
        this.log(`stopping ${source.name} failed: ${String(e)}`);
      }
    }
  }

  private rejected(call: string, message: string): Result<never> {
    this.recordRejectedCall(call, message);
    return err('invalid_input', message);
  }

  private storageFailure(what: string, e: unknown): Result<never> {
    this.reportError(what, e);
    return err('storage_failed', `Vigil could not write to its local database while ${what}. Nothing already saved is lost; tell your proctor.`);
  }

  private reportError(what: string, e: unknown): void {
    const message = `${what} failed: ${e instanceof Error ? e.message : String(e)}`;
    this.log(message);
    this.notices.add(`A problem occurred while ${what}; your proctor can see it in the log.`);
    try {
      this.store.append('error', { what, message });
    } catch {
      // The database itself is failing; the log line above is all that can be kept.
    }
    this.emit();
  }

  private log(line: string): void {
    (this.opts.log ?? ((l: string) => console.error(`[vigil] ${l}`)))(line);
  }

  private snapshot(): SessionSnapshot {
    return {
      sessionId: this.sessionId,
      studentId: this.opts.studentId,
      exam: this.opts.exam,
      answers: Object.fromEntries(this.answers),
      phase: this.phase,
      startedAt: this.startedAt,
      deadline: this.deadline,
      risk: this.risk,
      submission: this.submission,
      notices: this.uploadNotice ? [...this.notices, this.uploadNotice] : [...this.notices],
    };
  }

  private emit(): void {
    if (this.listeners.size === 0) return;
    const snapshot = this.snapshot();
    for (const listener of this.listeners) {
      try {
        listener(snapshot);
      } catch (e) {
        this.log(`snapshot listener failed: ${String(e)}`);
      }
    }
  }
}

const enc = encodeURIComponent;
const DETECTION_STATE_KEY = 'detection';
/** How often the learnt baselines are saved; a crash loses at most this much learning. */
const DETECTION_STATE_SAVE_MS = 60_000;
/** A forced submission (time up, lock) that could not be written is tried again this often. */
const SUBMIT_RETRY_MS = 5_000;
/** How long a lock waits for the page's last saves before submitting. */
const LOCK_FLUSH_MS = 1_500;
