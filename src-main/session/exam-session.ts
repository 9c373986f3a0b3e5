import { randomUUID } from 'node:crypto';
import type { AuditStore } from '../audit/audit-store';
import { SubmitInputSchema, WindowEventSchema, err, ok } from '../contract';
import type { Exam, Policy, QuitDecision, Result, RiskState, SaveAnswerInput, SavedAnswer, StartExamResult, SystemCheckReport } from '../contract';
import type { Scheduler, SessionPhase, SessionSnapshot, SubmissionReceipt, VigilApi, WindowEvent } from '../contract';
import { ActiveTimers } from './active-timers';
import { AnswerIntake } from './answer-intake';
import type { OpenedAttempt } from './attempt-file';
import { TAMPERED_NOTICE } from './attempt-integrity';
import { floorRisk, saveAttemptMarker, startAttemptChain } from './attempt-start';
import type { RestoredAttempt } from './attempt-restore';
import type { EventSources } from './event-sources';
import type { CaptureHeartbeat } from './capture-heartbeat';
import type { DetectionPipeline } from './detection-pipeline';
import { ExamTimekeeper } from './exam-timekeeper';
import { ServerAttemptLink } from './server-attempt-link';
import type { IntegrityWatch } from './integrity-watch';
import type { CloseOutcome } from './quit-guard';
import { SessionEnding } from './session-ending';
import type { ExamSessionOptions } from './session-options';
import type { SessionLockdown } from './session-lockdown';
import { createSessionParts } from './session-parts';
import type { SessionReporter } from './session-reporter';
import type { SubmissionDelivery } from './submission-delivery';

/**
 * One student's attempt at one exam: the state machine (checking -> active -> locked ->
 * submitted; `checking` only with a pre-exam system check) and
 * the verbs behind `window.vigil`, identical under Electron's IPC and under Playwright's
 * bridge. Its parts (session-parts.ts): detection and the fair ledger, delivery, the event
 * sources and the integrity watch, the lock (session-lockdown.ts), the running exam's timers
 * (active-timers.ts) and its ending (session-ending.ts). It owns the phase and the risk and
 * decides what a score or a deadline means for the attempt.
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
  private readonly integrity: IntegrityWatch;
  private readonly lockdown: SessionLockdown;
  private readonly beats: CaptureHeartbeat;
  /** When the exam's time started (null while checking). */
  private startedAt: number | null;
  /** When the attempt was opened (session_started): the marker's and the chain's start. */
  private readonly openedAt: number;
  /** Session and exam time (main's timekeeper); a fresh one when the check lets the exam start. */
  private time: ExamTimekeeper;
  private readonly intake: AnswerIntake;
  private readonly policy: Policy;
  /** The exam the attempt started with (the server's, when registered). */
  private readonly exam: Exam;
  /** The exam server's deadline, checkpoints and live link (server-attempt-link.ts). */
  private readonly server: ServerAttemptLink;
  private readonly timers: ActiveTimers;
  private readonly ending: SessionEnding;
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
    const carried = recovery.carryOver;
    this.policy = restored?.policy ?? opts.policy;
    const server = opts.server ?? null;
    // A registered attempt is the server's session; a file that continues a deleted one registered anew.
    this.sessionId = restored?.sessionId ?? server?.sessionId ?? carried?.sessionId ?? randomUUID();
    this.exam = restored?.exam ?? opts.exam;
    this.server = new ServerAttemptLink({
      opts,
      store,
      scheduler,
      sessionId: this.sessionId,
      policy: this.policy,
      durationMs: this.exam.durationMinutes * 60_000,
      reporter: () => this.reporter,
      isActive: () => this.phase === 'active',
      onTimeUp: () => this.ending.trySubmit('time_up'),
      emit: () => this.emit(),
    });
    this.openedAt = restored?.startedAt ?? carried?.startedAt ?? now;
    this.scoreFloor = recovery.scoreFloor;
    // An attempt carried over from a damaged or deleted file carries on its time too.
    this.time = this.timekeeper(this.openedAt, restored !== null || carried !== null);
    this.intake = new AnswerIntake(this.exam, scheduler, (message) => this.reporter.rejected('saveAnswer', message));
    ({
      reporter: this.reporter,
      beats: this.beats,
      lockdown: this.lockdown,
      detection: this.detection,
      delivery: this.delivery,
      integrity: this.integrity,
      sources: this.sources,
    } = createSessionParts({
      opts,
      store,
      scheduler,
      restored,
      policy: this.policy,
      sessionId: this.sessionId,
      // Activity is windowed on session time: a wall clock set forward makes no burst of windows.
      startAt: this.time.now(),
      hooks: {
        phase: () => this.phase,
        closed: () => this.closed,
        emit: () => this.emit(),
        updateRisk: (next) => this.updateRisk(next),
        begin: (startedAt) => this.begin(startedAt),
        startOnServer: () => this.server.startOnServer(),
        toSessionTime: (event) => this.time.toSessionTime(event),
        onFlag: (flag) => this.server.reportFlag(flag),
      },
    }));
    // Without a system check (tests, tools) the exam's time starts at once, as before the check
    // existed; an attempt carried over from a damaged file had started already.
    this.phase = restored?.phase ?? (this.lockdown.check && !carried ? 'checking' : 'active');
    this.startedAt = this.phase === 'checking' ? null : this.openedAt;
    this.risk = floorRisk(this.detection.riskAt(this.time.now()), this.scoreFloor);
    this.maxScore = this.risk.score;
    this.timers = new ActiveTimers({
      scheduler,
      time: () => this.time,
      policy: this.policy,
      sources: this.sources,
      detection: this.detection,
      integrity: this.integrity,
      beats: this.beats,
      reporter: this.reporter,
      isActive: () => this.phase === 'active',
      onRisk: (next) => this.updateRisk(next),
    });
    this.ending = new SessionEnding({
      store,
      scheduler,
      sessionNow: () => this.time.now(),
      exam: this.exam,
      studentId: opts.studentId,
      sessionId: this.sessionId,
      sources: this.sources,
      timers: this.timers,
      detection: this.detection,
      integrity: this.integrity,
      delivery: this.delivery,
      reporter: this.reporter,
      phase: () => this.phase,
      setPhase: (p) => this.setPhase(p),
      risk: () => this.risk,
      answers: () => [...this.answers.values()],
      closed: () => this.closed,
      updateRisk: (next) => this.updateRisk(next),
      emit: () => this.emit(),
    });
    for (const a of store.answers()) this.answers.set(a.questionId, a);
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
    const { restored, store, scheduler } = this;
    const now = scheduler.now();
    if (restored) {
      if (this.server.recordCheckpointBreak(now)) this.reporter.addNotice(TAMPERED_NOTICE);
      store.append('session_resumed', { sessionId: this.sessionId, at: now, phase: this.phase });
      this.detection.restoreState();
      if (this.phase === 'active') this.server.resumeStart(restored.serverStartClaim);
    } else {
      this.startChain();
    }
    if (this.recovery.findings.length > 0 || this.recovery.carryOver) this.reporter.addNotice(TAMPERED_NOTICE);
    if (restored && !restored.closedCleanly && this.phase === 'active') {
      this.beats.recordGap(now);
      this.reporter.addNotice('Vigil was closed unexpectedly; the time it was not running is recorded for your proctor.');
    }
    this.saveMarker();
    this.delivery.start();
    this.server.startLive(this.risk);
    const standing = this.delivery.standingNotice();
    if (standing) this.reporter.addNotice(standing);

    if (this.phase === 'active' && this.risk.locked) {
      // A crash after the score reached 100 but before the lock was written: lock now.
      this.ending.lock();
    } else if (this.phase === 'active') {
      this.beginTimers();
    } else if (this.phase === 'checking') {
      void this.lockdown.check?.check().then(() => this.emit());
    } else if (this.phase === 'locked') {
      // A crash between lock and submission: finish what the lock started.
      this.ending.submit('risk_limit');
    }
  }

  private startChain(): void {
    const { studentId, escrowKey, server } = this.opts;
    // The server's K_0 when registered (and nothing to escrow); otherwise one made here.
    const k0 = server?.k0 ?? this.opts.k0;
    const base = { sessionId: this.sessionId, exam: this.exam, studentId, startedAt: this.openedAt, policy: this.policy };
    const chain = { ...base, ...(k0 ? { k0 } : {}), escrowKey: server ? false : (escrowKey ?? false), carryOver: this.recovery.carryOver, awaitsCheck: this.phase === 'checking' };
    for (const a of startAttemptChain(this.store, chain)) this.answers.set(a.questionId, a);
  }

  private saveMarker(): void {
    saveAttemptMarker(this.file, this.store, { sessionId: this.sessionId, startedAt: this.openedAt, maxScore: this.maxScore }, (line) => this.reporter.log(line));
  }

  private timekeeper(startedAt: number, resumed: boolean): ExamTimekeeper {
    return new ExamTimekeeper({
      store: this.store,
      scheduler: this.scheduler,
      // The exam the attempt started with decides its length, not the one installed now.
      durationMinutes: this.exam.durationMinutes,
      startedAt,
      resumed,
      // A registered attempt ends at the server's deadline only (timeUp below).
      onTimeUp: () => {
        if (this.phase === 'active' && !this.server.registered) this.ending.trySubmit('time_up');
      },
      onJump: () => this.emit(),
      onError: (what, e) => this.reporter.reportError(what, e),
    });
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
      if (timeUp) this.ending.trySubmit('time_up');
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
      // Detection runs on session time; the integrity watch on wall time, as the OS watcher's observations do.
      const integrity = this.detection.pushWindowEvent(parsed.data, this.time.now());
      if (parsed.data.kind === 'focus') this.integrity.pageFocus(parsed.data.focused, this.scheduler.now());
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
    if (this.phase === 'locked') this.ending.trySubmit('risk_limit');
    return ok(null);
  }

  async submit(input: { confirm: true }): Promise<Result<SubmissionReceipt>> {
    if (!SubmitInputSchema.safeParse(input).success) return err('invalid_input', 'Submission needs confirmation.');
    const receipt = this.delivery.receipt();
    if (this.phase === 'submitted' && receipt) return ok(receipt);
    try {
      // The record says why the exam really ended: a lock still retrying its submission, or a late time-up timer.
      const reason = this.phase === 'locked' ? 'risk_limit' : this.timeUp() ? 'time_up' : 'student';
      return ok(this.ending.submit(reason));
    } catch (e) {
      return this.reporter.storageFailure('submitting', e);
    }
  }

  // The lock's verbs (system check, start, warning, quit): session-lockdown.ts.
  readonly runSystemCheck = (): Promise<Result<SystemCheckReport>> => this.lockdown.runSystemCheck();
  readonly startExam = (): Promise<Result<StartExamResult>> => this.lockdown.startExam();
  readonly acknowledgeWarning = (input: { id: string }): Promise<Result<null>> => this.lockdown.acknowledgeWarning(input);
  readonly requestQuit = (input: { password: string }): Promise<Result<QuitDecision>> => this.lockdown.requestQuit(input);

  onSnapshot(listener: (snapshot: SessionSnapshot) => void): () => void {
    return this.reporter.subscribe(listener);
  }

  // ---- engine ---------------------------------------------------------------------------

  /** A call that never reached the engine (refused sender, payload the IPC adapter refused). */
  recordRejectedCall(call: string, reason: string): void {
    this.reporter.recordRejectedCall(call, reason);
  }

  /** Someone tries to close Vigil (SessionLockdown.requestClose). */
  requestClose(via: string, password?: string): CloseOutcome {
    return this.lockdown.requestClose(via, password);
  }

  /** Delivers queued uploads now (tests, and the shell before quitting). */
  flushUploads(): Promise<{ delivered: number; failed: number }> {
    return this.delivery.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sources.stop();
    if (this.phase === 'active') {
      this.detection.saveState();
      this.time.save();
    }
    this.timers.cancel();
    this.server.close();
    try {
      if (this.started) this.store.append('session_closed', { at: this.scheduler.now() });
    } catch (e) {
      this.reporter.log(`could not record the clean close: ${String(e)}`);
    }
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
      this.server.reportRisk(next);
      if (next.score > this.maxScore) {
        this.maxScore = next.score;
        this.saveMarker();
      }
      this.emit();
    }
    if (next.locked && this.phase === 'active') this.ending.lock();
  }

  private snapshot(): SessionSnapshot {
    return {
      sessionId: this.sessionId,
      studentId: this.opts.studentId,
      exam: this.exam,
      answers: Object.fromEntries(this.answers),
      phase: this.phase,
      startedAt: this.startedAt,
      deadline: this.phase === 'checking' ? null : this.deadlineWall(),
      startBy: this.phase === 'checking' ? this.server.startByWall() : null,
      risk: this.risk,
      submission: this.delivery.receipt(),
      systemCheck: this.lockdown.check?.report ?? null,
      returnWarning: this.phase === 'active' ? this.integrity.warning : null,
      notices: [...this.reporter.currentNotices(), ...nonNull(this.delivery.uploadNotice())],
      proctorHold: this.server.hold,
    };
  }

  /** The system check let the exam start: its time runs from `startedAt`. */
  private begin(startedAt: number): void {
    this.phase = 'active';
    this.startedAt = startedAt;
    // The exam's time counts from exam_started, not from when the attempt was opened for the
    // check: as a resumed count with nothing saved yet, the timekeeper counts from startedAt.
    this.time = this.timekeeper(startedAt, true);
    this.beginTimers();
  }

  /** The running exam's timers, the server's deadline and the checkpoints. */
  private beginTimers(): void {
    this.timers.begin();
    this.server.begin();
  }

  /** Leaving 'active' for good at the submission: no deadline, pause or checkpoint timer runs on. */
  private setPhase(phase: SessionPhase): void {
    this.phase = phase;
    if (phase === 'submitted') this.server.submitted();
  }

  /**
   * Exam time is up. A registered attempt ends at the server's deadline, carried on the
   * monotonic clock from the server's time reading, so no local clock change moves it either
   * way; an unregistered one at the end of its own exam time (exam-timekeeper.ts).
   */
  private timeUp(): boolean {
    return this.server.timeUp() ?? this.time.timeUp();
  }

  /** When the exam ends, on this computer's wall clock (for the countdown). */
  private deadlineWall(): number {
    return this.server.deadlineWall() ?? this.time.deadline();
  }

  private emit(): void {
    this.reporter.publish(() => this.snapshot());
  }
}

const nonNull = <T>(v: T | null): T[] => (v === null ? [] : [v]);
