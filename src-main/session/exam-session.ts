import { randomUUID } from 'node:crypto';
import type { AuditStore } from '../audit/audit-store';
import { SubmitInputSchema, WindowEventSchema, err, ok } from '../contract';
import type { Exam, Policy, Result, RiskState, SaveAnswerInput, SavedAnswer } from '../contract';
import type { Scheduler, SessionPhase, SessionSnapshot, SubmissionReceipt, VigilApi, WindowEvent } from '../contract';
import { configKey } from '../exam/config-key';
import type { OpenedAttempt } from './attempt-file';
import { TAMPERED_NOTICE } from './attempt-integrity';
import { floorRisk, saveAttemptMarker, startAttemptChain } from './attempt-start';
import { AnswerIntake } from './answer-intake';
import type { RestoredAttempt } from './attempt-restore';
import { DetectionPipeline } from './detection-pipeline';
import { EventSources } from './event-sources';
import { ExamTimekeeper } from './exam-timekeeper';
import { appliedOrders, startLiveLink, type LiveLink } from './live-link';
import type { ProctorOrder } from '../contract/proctor-order';
import { CheckpointSchedule } from './checkpoint-schedule';
import { createExamClock, type ExamClock } from './exam-clock';
import { recordCheckpointBreak } from './server-anchor-check';
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
  private readonly time: ExamTimekeeper;
  private readonly intake: AnswerIntake;
  /**
   * A registered attempt's deadline on the server's clock, carried on a monotonic clock from
   * the server's time reading; a proctor's signed extension moves it.
   */
  private serverDeadline: { clock: ExamClock; at: number } | null;
  private cancelTimeUp: (() => void) | null = null;
  /** A proctor's pause (signed lock order) in force; restored from the audit on a restart. */
  private hold: { reason: string } | null = null;
  private live: LiveLink | null = null;
  private readonly exam: Exam;
  private readonly checkpoints: CheckpointSchedule | null;
  private readonly policy: Policy;
  private readonly cancelTimers: Array<() => void> = [];
  private started = false;
  private closed = false;
  /** After tampering, the score never drops below the highest one seen before it. */
  private readonly scoreFloor: number;
  private maxScore = 0;

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
    private readonly recovery: Pick<OpenedAttempt, 'carryOver' | 'findings' | 'scoreFloor'> = { carryOver: null, findings: [], scoreFloor: 0 },
  ) {
    const now = scheduler.now();
    const { exam, studentId } = opts;
    const carried = recovery.carryOver;
    this.reporter = new SessionReporter(store, () => this.emit(), opts.log);
    this.policy = restored?.policy ?? opts.policy;
    const server = opts.server ?? null;
    // A registered attempt is the server's session; a file that continues a deleted one registered anew.
    this.sessionId = restored?.sessionId ?? server?.sessionId ?? carried?.sessionId ?? randomUUID();
    this.startedAt = restored?.startedAt ?? carried?.startedAt ?? now;
    this.phase = restored?.phase ?? 'active';
    this.exam = restored?.exam ?? exam;
    this.serverDeadline = server ? { clock: createExamClock(scheduler, server.clockReading), at: server.deadline } : null;
    this.checkpoints = server
      ? new CheckpointSchedule({
          store,
          scheduler,
          sessionId: this.sessionId,
          everyRows: this.policy.checkpoints.everyRows,
          everySeconds: this.policy.checkpoints.everySeconds,
          onError: (what, e) => this.reporter.reportError(what, e),
        })
      : null;
    this.scoreFloor = recovery.scoreFloor;
    this.time = new ExamTimekeeper({
      store,
      scheduler,
      // The exam the attempt started with decides its length, not the one installed now.
      durationMinutes: restored?.exam?.durationMinutes ?? exam.durationMinutes,
      startedAt: this.startedAt,
      // An attempt carried over from a damaged or deleted file carries on its time too.
      resumed: restored !== null || carried !== null,
      // A registered attempt ends at the server's deadline only (timeUp below).
      onTimeUp: () => {
        if (this.phase === 'active' && !this.serverDeadline) this.trySubmit('time_up');
      },
      onJump: () => this.emit(),
      onError: (what, e) => this.reporter.reportError(what, e),
    });
    this.intake = new AnswerIntake(this.exam, scheduler, (message) => this.reporter.rejected('saveAnswer', message));
    this.detection = new DetectionPipeline({
      store,
      clock: scheduler,
      policy: this.policy,
      sessionId: this.sessionId,
      studentId,
      // Activity is windowed on session time: a wall clock set forward makes no burst of windows.
      startAt: this.time.now(),
      resumed: restored ? { ledger: restored.ledger, nextSequence: restored.nextSequence } : null,
      onError: (what, e) => this.reporter.reportError(what, e),
      onFlag: (flag) => this.live?.reportFlag(flag),
    });
    this.risk = floorRisk(this.detection.riskAt(this.time.now()), this.scoreFloor);
    this.maxScore = this.risk.score;
    for (const a of store.answers()) this.answers.set(a.questionId, a);
    this.delivery = new SubmissionDelivery({
      store,
      // The server may move between runs (IT's newer policy or the flag); the rules may not.
      serverUrl: opts.serverUrl !== undefined ? opts.serverUrl : opts.policy.serverUrl,
      token: server?.token ?? null,
      scheduler,
      configKey: configKey(opts.policy),
      submitted: restored?.submission ? { receipt: restored.submission, seq: restored.submissionSeq } : null,
      onChange: () => this.emit(),
      log: (line) => this.reporter.log(line),
    });
    this.sources = new EventSources({
      sources: opts.sources ?? [],
      route: (event) => {
        if (this.phase === 'active') this.detection.push(this.time.toSessionTime(event));
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
      const broken = this.opts.server?.checkpointBreak;
      if (broken) {
        recordCheckpointBreak(store, broken, { sessionId: this.sessionId, studentId: this.opts.studentId, now });
        this.reporter.addNotice(TAMPERED_NOTICE);
      }
      store.append('session_resumed', { sessionId: this.sessionId, at: now, phase: this.phase });
      this.detection.restoreState();
    } else {
      this.startChain();
    }
    if (this.recovery.findings.length > 0 || this.recovery.carryOver) this.reporter.addNotice(TAMPERED_NOTICE);
    this.saveMarker();
    this.delivery.start();
    this.startLive();
    const standing = this.delivery.standingNotice();
    if (standing) this.reporter.addNotice(standing);

    if (this.phase === 'active' && this.risk.locked) {
      // A crash after the score reached 100 but before the lock was written: lock now.
      this.lockAndSubmit();
    } else if (this.phase === 'active') {
      this.sources.start();
      this.cancelTimers.push(scheduler.every(policy.windowSeconds * 1000, () => this.scorePendingPackages()));
      this.cancelTimers.push(
        scheduler.every(DETECTION_STATE_SAVE_MS, () => {
          this.detection.saveState();
          this.time.save();
        }),
      );
      this.time.start();
      this.cancelTimers.push(() => this.time.stop());
      this.armTimeUp();
      this.checkpoints?.start();
    } else if (this.phase === 'locked') {
      // A crash between lock and submission: finish what the lock started.
      this.submitExam('risk_limit');
    }
  }

  private startChain(): void {
    const { studentId, escrowKey, server } = this.opts;
    // The server's K_0 when registered (and nothing to escrow); otherwise one made here.
    const k0 = server?.k0 ?? this.opts.k0;
    const base = { sessionId: this.sessionId, exam: this.exam, studentId, startedAt: this.startedAt, policy: this.policy };
    const chain = { ...base, ...(k0 ? { k0 } : {}), escrowKey: server ? false : (escrowKey ?? false), carryOver: this.recovery.carryOver };
    for (const a of startAttemptChain(this.store, chain)) this.answers.set(a.questionId, a);
  }

  /** The server's deadline timer (an unregistered attempt's is the timekeeper's own). */
  private armTimeUp(): void {
    this.cancelTimeUp?.();
    if (!this.serverDeadline) return;
    const { clock, at } = this.serverDeadline;
    this.cancelTimeUp = this.scheduler.after(Math.max(0, at - clock.now()), () => this.trySubmit('time_up'));
  }

  private startLive(): void {
    const serverUrl = this.opts.serverUrl !== undefined ? this.opts.serverUrl : this.policy.serverUrl;
    const applied = appliedOrders(this.store);
    if (this.phase === 'active') this.hold = applied.hold;
    const log = (line: string) => this.reporter.log(line);
    const onError = (what: string, e: unknown) => this.reporter.reportError(what, e);
    const now = () => this.scheduler.now();
    this.live = startLiveLink(serverUrl, this.opts.server ?? null, { store: this.store, now, onApply: (o) => this.applyOrder(o), onError, log }, applied);
    this.live?.reportRisk(this.risk);
  }

  /** A verified proctor order (already audited): pause, resume, or more time. */
  private applyOrder(order: ProctorOrder): void {
    if (order.action === 'extend') {
      // The signed deadline, not "plus N minutes": a restart already read the extended one from the server.
      if (this.serverDeadline) this.serverDeadline = { ...this.serverDeadline, at: order.deadline };
      if (this.phase === 'active' && this.cancelTimeUp) this.armTimeUp();
    } else if (this.phase === 'active') {
      // A pause never submits: answers stay saved, and the time-up timer still ends the exam.
      this.hold = order.action === 'lock' ? { reason: order.reason } : null;
    }
    this.emit();
  }

  private saveMarker(): void {
    saveAttemptMarker(this.file, this.store, { sessionId: this.sessionId, startedAt: this.startedAt, maxScore: this.maxScore }, (line) => this.reporter.log(line));
  }

  // ---- VigilApi -------------------------------------------------------------------------

  async getSnapshot(): Promise<Result<SessionSnapshot>> {
    return ok(this.snapshot());
  }

  async saveAnswer(input: SaveAnswerInput): Promise<Result<SavedAnswer>> {
    const admitted = this.intake.admit(input);
    if (!admitted.ok) return admitted;
    // The time-up timer can fire late (a suspended laptop, a clock set forward). The text the
    // student typed up to then is theirs: it is saved, then the exam is submitted with it.
    const timeUp = this.phase === 'active' && this.timeUp();
    // A locked exam still takes the saves the page flushes before its submission is written.
    if (this.phase === 'submitted') {
      return err('session_submitted', 'The exam has been submitted; answers can no longer change.');
    }
    try {
      const saved = this.store.saveAnswer(admitted.value);
      this.answers.set(saved.questionId, saved);
      if (timeUp) this.trySubmit('time_up');
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
      const integrity = this.detection.pushWindowEvent(parsed.data, this.time.now());
      if (integrity) this.updateRisk(this.detection.recordIntegrity(integrity, this.time.now(), ''));
      return ok(null);
    } catch (e) {
      return this.reporter.storageFailure('recording a window event', e);
    }
  }

  async signIn(): Promise<Result<SessionSnapshot>> {
    // The attempt exists: its student has signed in (SignInGate) or it runs without a server.
    return err('already_signed_in', 'You are already signed in to this exam.');
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
      const reason = this.phase === 'locked' ? 'risk_limit' : this.timeUp() ? 'time_up' : 'student';
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
    this.time.tick();
    if (this.phase !== 'active') return;
    try {
      this.detection.scoreUntil(this.time.now(), (next) => this.updateRisk(next));
    } catch (e) {
      this.reporter.reportError('scoring activity', e);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sources.stop();
    this.checkpoints?.stop();
    if (this.phase === 'active') {
      this.detection.saveState();
      this.time.save();
    }
    for (const cancel of this.cancelTimers.splice(0)) cancel();
    this.cancelTimeUp?.();
    this.live?.stop();
    if (this.started) this.saveMarker();
    this.delivery.stop();
    this.reporter.clear();
    this.store.close();
  }

  private updateRisk(raw: RiskState): void {
    const next = floorRisk(raw, this.scoreFloor);
    const before = this.risk;
    this.risk = next;
    if (next.score !== before.score || next.warning !== before.warning || next.locked !== before.locked) {
      this.store.append('risk_changed', { from: before.score, to: next.score, level: next.level, reasons: next.reasons, warning: next.warning });
      this.live?.reportRisk(next);
      if (next.score > this.maxScore) {
        this.maxScore = next.score;
        this.saveMarker();
      }
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
    this.cancelTimeUp?.();
    this.hold = null;
    // Score what is still open, so the last seconds of activity are on the record too
    // (also at a lock: updateRisk does not lock twice once the phase has left 'active').
    if (this.phase !== 'submitted') {
      this.detection.scoreUntil(this.time.now(), (next) => this.updateRisk(next));
    }
    const { receipt, seq } = recordSubmission(this.store, {
      sessionId: this.sessionId,
      studentId: this.opts.studentId,
      examId: this.exam.id,
      submittedAt,
      reason,
      answers: [...this.answers.values()],
      risk: this.risk,
    });
    this.phase = 'submitted';
    // The log as submitted, anchored on the server.
    this.checkpoints?.stop();
    this.checkpoints?.queueNow();
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

  /**
   * Exam time is up. A registered attempt ends at the server's deadline, carried on the
   * monotonic clock from the server's time reading, so no local clock change moves it either
   * way; an unregistered one at the end of its own exam time (exam-timekeeper.ts).
   */
  private timeUp(): boolean {
    if (!this.serverDeadline) return this.time.timeUp();
    return this.serverDeadline.clock.now() >= this.serverDeadline.at;
  }

  /** When the exam ends, on this computer's wall clock (for the countdown). */
  private deadlineWall(): number {
    if (!this.serverDeadline) return this.time.deadline();
    const { clock, at } = this.serverDeadline;
    return clock.toWall(at);
  }

  private snapshot(): SessionSnapshot {
    return {
      sessionId: this.sessionId,
      studentId: this.opts.studentId,
      exam: this.exam,
      answers: Object.fromEntries(this.answers),
      phase: this.phase,
      startedAt: this.startedAt,
      deadline: this.deadlineWall(),
      risk: this.risk,
      submission: this.delivery.receipt(),
      notices: [...this.reporter.currentNotices(), ...nonNull(this.delivery.uploadNotice())],
      proctorHold: this.hold,
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
