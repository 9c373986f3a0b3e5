import { randomUUID } from 'node:crypto';
import type { AuditStore } from '../audit/audit-store';
import { SaveAnswerInputSchema, SubmitInputSchema, WindowEventSchema, err, ok } from '../contract';
import type { Policy, Result, RiskState, SaveAnswerInput, SavedAnswer } from '../contract';
import type { Scheduler, SessionPhase, SessionSnapshot, SubmissionReceipt, VigilApi, WindowEvent } from '../contract';
import { checkAnswer } from './answer-rules';
import type { RestoredAttempt } from './attempt-restore';
import { DetectionPipeline } from './detection-pipeline';
import { EventSources } from './event-sources';
import type { ExamSessionOptions } from './session-options';
import { SessionReporter } from './session-reporter';
import { recordSubmission } from './submission-record';
import { SubmissionDelivery } from './submission-delivery';

/**
 * One student's attempt at one exam: the state machine (active -> locked -> submitted) and
 * the verbs behind `window.vigil`, identical under Electron's IPC and under Playwright's
 * bridge. Detection, delivery and the event sources are its parts; it decides what a risk
 * score or a deadline means for the attempt and records each decision in the audit log.
 */
export class ExamSession implements VigilApi {
  readonly sessionId: string;
  private phase: SessionPhase;
  private risk: RiskState;
  private readonly answers = new Map<string, SavedAnswer>();
  private readonly reporter: SessionReporter;
  private readonly detection: DetectionPipeline;
  private readonly delivery: SubmissionDelivery;
  private readonly sources: EventSources;
  private readonly startedAt: number;
  private readonly deadline: number;
  private readonly policy: Policy;
  private readonly cancelTimers: Array<() => void> = [];
  private started = false;
  private closed = false;

  /**
   * Builds the attempt's state from what was restored and reads its saved answers; writes
   * nothing, starts nothing. start() does that (openExamSession calls it).
   */
  constructor(
    private readonly opts: ExamSessionOptions,
    readonly file: string,
    private readonly store: AuditStore,
    private readonly scheduler: Scheduler,
    private readonly restored: RestoredAttempt | null,
  ) {
    const now = scheduler.now();
    const { exam, studentId } = opts;
    this.reporter = new SessionReporter(store, () => this.emit(), opts.log);
    this.policy = restored?.policy ?? opts.policy;
    this.sessionId = restored?.sessionId ?? randomUUID();
    this.startedAt = restored?.startedAt ?? now;
    this.phase = restored?.phase ?? 'active';
    this.deadline = this.startedAt + exam.durationMinutes * 60_000;
    this.detection = new DetectionPipeline({
      store,
      clock: scheduler,
      policy: this.policy,
      sessionId: this.sessionId,
      studentId,
      startAt: now,
      resumed: restored ? { ledger: restored.ledger, nextSequence: restored.nextSequence } : null,
      onError: (what, e) => this.reporter.reportError(what, e),
    });
    this.risk = this.detection.riskAt(now);
    for (const a of store.answers()) this.answers.set(a.questionId, a);
    this.delivery = new SubmissionDelivery({
      store,
      // The server may move between runs (IT's newer policy or the flag); the rules may not.
      serverUrl: opts.serverUrl !== undefined ? opts.serverUrl : opts.policy.serverUrl,
      scheduler,
      submitted: restored?.submission ? { receipt: restored.submission, seq: restored.submissionSeq } : null,
      onChange: () => this.emit(),
      log: (line) => this.reporter.log(line),
    });
    this.sources = new EventSources({
      sources: opts.sources ?? [],
      route: (event) => {
        if (this.phase !== 'active') return;
        if (event.kind !== 'integrity') {
          this.detection.push(event);
          return;
        }
        try {
          this.detection.recordObservation(event.observation);
        } catch (e) {
          this.reporter.reportError('recording an integrity observation', e);
        }
      },
      onStartFailure: (what, e) => this.reporter.reportError(what, e),
      log: (line) => this.reporter.log(line),
    });
  }

  /**
   * Starts (or resumes) the attempt, once: records session_started or session_resumed,
   * restores the detection baselines, starts delivery, then carries on from the phase the
   * attempt is in: sources and timers for an active one, the submission a crash
   * interrupted, or the watch for a submission the server does not have yet.
   */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    const { restored, store, scheduler, policy } = this;
    const now = scheduler.now();
    if (restored) {
      store.append('session_resumed', { sessionId: this.sessionId, at: now, phase: this.phase });
      this.detection.restoreState();
    } else {
      store.append('session_started', {
        sessionId: this.sessionId,
        examId: this.opts.exam.id,
        studentId: this.opts.studentId,
        at: this.startedAt,
        durationMinutes: this.opts.exam.durationMinutes,
        policy,
      });
    }
    this.delivery.start();
    const standing = this.delivery.standingNotice();
    if (standing) this.reporter.addNotice(standing);

    if (this.phase === 'active' && this.risk.locked) {
      // A crash after the score reached 100 but before the lock was written: lock now.
      this.lockAndSubmit();
    } else if (this.phase === 'active') {
      this.sources.start();
      this.cancelTimers.push(scheduler.every(policy.windowSeconds * 1000, () => this.scorePendingPackages()));
      this.cancelTimers.push(scheduler.every(DETECTION_STATE_SAVE_MS, () => this.detection.saveState()));
      this.cancelTimers.push(scheduler.after(Math.max(0, this.deadline - now), () => this.trySubmit('time_up')));
    } else if (this.phase === 'locked') {
      // A crash between lock and submission: finish what the lock started.
      this.submitExam('risk_limit');
    }
  }

  // ---- VigilApi -------------------------------------------------------------------------

  async getSnapshot(): Promise<Result<SessionSnapshot>> {
    return ok(this.snapshot());
  }

  async saveAnswer(input: SaveAnswerInput): Promise<Result<SavedAnswer>> {
    const parsed = SaveAnswerInputSchema.safeParse(input);
    if (!parsed.success) return this.reporter.rejected('saveAnswer', 'The answer could not be read; it was not saved.');
    // The time-up timer can fire late (a suspended laptop); the deadline itself is what counts.
    if (this.phase === 'active' && this.scheduler.now() >= this.deadline) this.trySubmit('time_up');
    // A locked exam still takes the saves the page flushes before its submission is written.
    if (this.phase === 'submitted') {
      return err('session_submitted', 'The exam has been submitted; answers can no longer change.');
    }
    const problem = checkAnswer(this.opts.exam, parsed.data);
    if (problem) return this.reporter.rejected('saveAnswer', problem);
    try {
      const saved = this.store.saveAnswer(parsed.data);
      this.answers.set(saved.questionId, saved);
      this.emit();
      return ok(saved);
    } catch (e) {
      return this.reporter.storageFailure('saving an answer', e);
    }
  }

  async reportWindowEvent(event: WindowEvent): Promise<Result<null>> {
    const parsed = WindowEventSchema.safeParse(event);
    if (!parsed.success) return this.reporter.rejected('reportWindowEvent', 'Unrecognised window event.');
    if (this.phase !== 'active') return ok(null);
    try {
      const integrity = this.detection.pushWindowEvent(parsed.data, this.scheduler.now());
      if (integrity) this.updateRisk(this.detection.recordIntegrity(integrity, this.scheduler.now(), ''));
      return ok(null);
    } catch (e) {
      return this.reporter.storageFailure('recording a window event', e);
    }
  }

  async lockFlushed(): Promise<Result<null>> {
    // Only a lock waits for the page; at any other time this changes nothing.
    if (this.phase === 'locked') this.trySubmit('risk_limit');
    return ok(null);
  }

  async submit(input: { confirm: true }): Promise<Result<SubmissionReceipt>> {
    if (!SubmitInputSchema.safeParse(input).success) return err('invalid_input', 'Submission needs confirmation.');
    const receipt = this.delivery.receipt();
    if (this.phase === 'submitted' && receipt) return ok(receipt);
    try {
      // The record says why the exam really ended: a lock still retrying its submission, or a late time-up timer.
      const reason = this.phase === 'locked' ? 'risk_limit' : this.scheduler.now() >= this.deadline ? 'time_up' : 'student';
      return ok(this.submitExam(reason));
    } catch (e) {
      return this.reporter.storageFailure('submitting', e);
    }
  }

  onSnapshot(listener: (snapshot: SessionSnapshot) => void): () => void {
    return this.reporter.subscribe(listener);
  }

  // ---- engine ---------------------------------------------------------------------------

  /** A call that never reached the engine (refused sender, payload the IPC adapter refused). */
  recordRejectedCall(call: string, reason: string): void {
    this.reporter.recordRejectedCall(call, reason);
  }

  /** Delivers queued uploads now (tests, and the shell before quitting). */
  flushUploads(): Promise<{ delivered: number; failed: number }> {
    return this.delivery.flush();
  }

  /** Closes the windows that have ended and scores them. Called on the window cadence. */
  private scorePendingPackages(): void {
    if (this.phase !== 'active') return;
    try {
      this.detection.scoreUntil(this.scheduler.now(), (next) => this.updateRisk(next));
    } catch (e) {
      this.reporter.reportError('scoring activity', e);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sources.stop();
    if (this.phase === 'active') this.detection.saveState();
    for (const cancel of this.cancelTimers.splice(0)) cancel();
    this.delivery.stop();
    this.reporter.clear();
    this.store.close();
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
   * (text inside its autosave delay) when it sees the lock and then says so (lockFlushed);
   * the submission waits for that, or for LOCK_FLUSH_MAX_MS when the page is gone. A fixed
   * short wait lost the last words on a loaded machine, where the page saw the lock late.
   */
  private lockAndSubmit(): void {
    this.phase = 'locked';
    this.sources.stop();
    this.store.append('session_locked', { at: this.scheduler.now(), score: this.risk.score, reasons: this.risk.reasons });
    this.emit();
    this.cancelTimers.push(this.scheduler.after(LOCK_FLUSH_MAX_MS, () => this.trySubmit('risk_limit')));
  }

  private submitExam(reason: SubmissionReceipt['reason']): SubmissionReceipt {
    const existing = this.delivery.receipt();
    if (existing) return existing;
    const submittedAt = this.scheduler.now();
    this.sources.stop();
    for (const cancel of this.cancelTimers.splice(0)) cancel();
    // Score what is still open, so the last seconds of activity are on the record too
    // (also at a lock: updateRisk does not lock twice once the phase has left 'active').
    if (this.phase !== 'submitted') {
      this.detection.scoreUntil(submittedAt, (next) => this.updateRisk(next));
    }
    const { receipt, seq } = recordSubmission(this.store, {
      sessionId: this.sessionId,
      studentId: this.opts.studentId,
      examId: this.opts.exam.id,
      submittedAt,
      reason,
      answers: [...this.answers.values()],
      risk: this.risk,
    });
    this.phase = 'submitted';
    this.delivery.track(receipt, seq);
    this.emit();
    return receipt;
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
      this.reporter.reportError('submitting', e);
      this.cancelTimers.push(this.scheduler.after(SUBMIT_RETRY_MS, () => this.trySubmit(reason)));
    }
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
      submission: this.delivery.receipt(),
      notices: [...this.reporter.currentNotices(), ...nonNull(this.delivery.uploadNotice())],
    };
  }

  private emit(): void {
    this.reporter.publish(() => this.snapshot());
  }
}

const nonNull = <T>(v: T | null): T[] => (v === null ? [] : [v]);
/** How often the learnt baselines are saved; a crash loses at most this much learning. */
const DETECTION_STATE_SAVE_MS = 60_000;
/** A forced submission (time up, lock) that could not be written is tried again this often. */
const SUBMIT_RETRY_MS = 5_000;
/** How long a lock waits for the page's last saves before submitting. */
const LOCK_FLUSH_MAX_MS = 15_000;
