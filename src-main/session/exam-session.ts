import { randomUUID } from 'node:crypto';
import type { AuditStore } from '../audit/audit-store';
import { err, ok } from '../contract';
import type { Exam, Policy, QuitDecision, Result, SaveAnswerInput, SavedAnswer, StartExamResult, SystemCheckReport } from '../contract';
import type { Scheduler, SessionPhase, SessionSnapshot, SubmissionReceipt, VigilApi, WindowEvent } from '../contract';
import type { OpenedAttempt } from './attempt-file';
import { TAMPERED_NOTICE } from './attempt-integrity';
import { saveAttemptMarker, startAttemptChain } from './attempt-start';
import type { RestoredAttempt } from './attempt-restore';
import { ExamTimekeeper } from './exam-timekeeper';
import { escrowUpload, escrowsKey } from './key-escrow';
import type { CloseOutcome } from './quit-guard';
import type { ExamSessionOptions } from './session-options';
import { createSessionParts, type SessionParts } from './session-parts';

/**
 * One student's attempt at one exam: the state machine (checking -> active -> locked ->
 * submitted; `checking` only with a pre-exam system check) and
 * the verbs behind `window.vigil`, identical under Electron's IPC and under Playwright's
 * bridge. Its parts (session-parts.ts): detection and the fair ledger, delivery, the event
 * sources and the integrity watch, the lock (session-lockdown.ts), the running exam's timers
 * (active-timers.ts) and its ending (session-ending.ts); the student's verbs on a running
 * exam (attempt-verbs.ts), the risk (session-risk.ts) and the exam server's side
 * (server-attempt-link.ts). It owns the phase and decides what a score or a deadline means
 * for the attempt.
 */
export class ExamSession implements VigilApi {
  readonly sessionId: string;
  private phase: SessionPhase;
  private readonly answers = new Map<string, SavedAnswer>();
  /** The attempt's parts (session-parts.ts): the reporter, detection, delivery, the lock, the server's side, the risk, the verbs... */
  private readonly parts: SessionParts;
  /** When the exam's time started (null while checking). */
  private startedAt: number | null;
  /** When the attempt was opened (session_started): the marker's and the chain's start. */
  private readonly openedAt: number;
  /** Session and exam time (main's timekeeper); a fresh one when the check lets the exam start. */
  private time: ExamTimekeeper;
  private readonly policy: Policy;
  /** The exam the attempt started with (the server's, when registered). */
  private readonly exam: Exam;
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
    private readonly recovery: Pick<OpenedAttempt, 'carryOver' | 'findings' | 'scoreFloor'> = { carryOver: null, findings: [], scoreFloor: 0 },
  ) {
    const now = scheduler.now();
    const carried = recovery.carryOver;
    this.policy = restored?.policy ?? opts.policy;
    const server = opts.server ?? null;
    // A registered attempt is the server's session; a file that continues a deleted one registered anew.
    this.sessionId = restored?.sessionId ?? server?.sessionId ?? carried?.sessionId ?? randomUUID();
    this.exam = restored?.exam ?? opts.exam;
    this.openedAt = restored?.startedAt ?? carried?.startedAt ?? now;
    // An attempt carried over from a damaged or deleted file carries on its time too.
    this.time = this.timekeeper(this.openedAt, restored !== null || carried !== null);
    this.parts = createSessionParts({
      opts,
      exam: this.exam,
      store,
      scheduler,
      restored,
      policy: this.policy,
      sessionId: this.sessionId,
      answers: this.answers,
      scoreFloor: recovery.scoreFloor,
      hooks: {
        phase: () => this.phase,
        closed: () => this.closed,
        emit: () => this.emit(),
        begin: (startedAt) => this.begin(startedAt),
        time: () => this.time,
        setPhase: (p) => this.setPhase(p),
        timeUp: () => this.timeUp(),
        saveMarker: () => this.saveMarker(),
      },
    });
    // Without a system check (tests, tools) the exam's time starts at once, as before the check
    // existed; an attempt carried over from a damaged file had started already.
    this.phase = restored?.phase ?? (this.parts.lockdown.check && !carried ? 'checking' : 'active');
    this.startedAt = this.phase === 'checking' ? null : this.openedAt;
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
      if (this.parts.server.recordCheckpointBreak(now)) this.parts.reporter.addNotice(TAMPERED_NOTICE);
      store.append('session_resumed', { sessionId: this.sessionId, at: now, phase: this.phase });
      this.parts.detection.restoreState();
      // A start the server never heard of (offline to the end, even through the submission) is told now.
      if (this.phase !== 'checking') this.parts.server.resumeStart(restored.serverStartClaim, this.phase === 'active');
    } else {
      this.startChain();
    }
    if (this.recovery.findings.length > 0 || this.recovery.carryOver) this.parts.reporter.addNotice(TAMPERED_NOTICE);
    if (restored && !restored.closedCleanly && this.phase === 'active') {
      this.parts.beats.recordGap(now);
      this.parts.reporter.addNotice('Vigil was closed unexpectedly; the time it was not running is recorded for your proctor.');
    }
    this.saveMarker();
    this.parts.delivery.start();
    this.parts.server.startLive(this.parts.risk.current);
    const standing = this.parts.delivery.standingNotice();
    if (standing) this.parts.reporter.addNotice(standing);

    if (this.phase === 'active' && this.parts.risk.current.locked) {
      // A crash after the score reached 100 but before the lock was written: lock now.
      this.parts.ending.lock();
    } else if (this.phase === 'active') {
      this.beginTimers();
    } else if (this.phase === 'checking') {
      void this.parts.lockdown.check?.check().then(() => this.emit());
    } else if (this.phase === 'locked') {
      // A crash between lock and submission: finish what the lock started.
      this.parts.ending.submit('risk_limit');
    }
  }

  private startChain(): void {
    const { studentId, server, dataDir } = this.opts;
    // The server's K_0 when registered (and nothing to escrow); otherwise one made here, escrowed when a server is configured.
    const k0 = server?.k0 ?? this.opts.k0;
    const base = { sessionId: this.sessionId, exam: this.exam, studentId, startedAt: this.openedAt, policy: this.policy };
    const identity = this.opts.escrowIdentity ?? null;
    const awaitsCheck = this.phase === 'checking';
    const escrow = escrowsKey(this.opts, this.policy) ? (key: Buffer) => escrowUpload({ ...base, examId: this.exam.id, dataDir, identity, awaitsCheck }, key) : null;
    const chain = { ...base, ...(k0 ? { k0 } : {}), escrow, carryOver: this.recovery.carryOver, awaitsCheck };
    for (const a of startAttemptChain(this.store, chain)) this.answers.set(a.questionId, a);
  }

  private saveMarker(): void {
    saveAttemptMarker(this.file, this.store, { sessionId: this.sessionId, startedAt: this.openedAt, maxScore: this.parts.risk.maxScore }, (line) => this.parts.reporter.log(line));
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
        if (this.phase === 'active' && !this.parts.server.registered) this.parts.ending.trySubmit('time_up');
      },
      onJump: () => this.emit(),
      onError: (what, e) => this.parts.reporter.reportError(what, e),
    });
  }

  // ---- VigilApi -------------------------------------------------------------------------

  async getSnapshot(): Promise<Result<SessionSnapshot>> {
    return ok(this.snapshot());
  }

  // The student's verbs on a running exam: attempt-verbs.ts.
  readonly saveAnswer = (input: SaveAnswerInput): Promise<Result<SavedAnswer>> => this.parts.verbs.saveAnswer(input);
  readonly reportWindowEvent = (event: WindowEvent): Promise<Result<null>> => this.parts.verbs.reportWindowEvent(event);
  readonly lockFlushed = (): Promise<Result<null>> => this.parts.verbs.lockFlushed();
  readonly submit = (input: { confirm: true }): Promise<Result<SubmissionReceipt>> => this.parts.verbs.submit(input);

  async signIn(): Promise<Result<SessionSnapshot>> {
    // The attempt exists: its student has signed in (SignInGate) or it runs without a server.
    return err('already_signed_in', 'You are already signed in to this exam.');
  }

  // The lock's verbs (system check, start, warning, quit): session-lockdown.ts.
  readonly runSystemCheck = (): Promise<Result<SystemCheckReport>> => this.parts.lockdown.runSystemCheck();
  readonly startExam = (): Promise<Result<StartExamResult>> => this.parts.lockdown.startExam();
  readonly acknowledgeWarning = (input: { id: string }): Promise<Result<null>> => this.parts.lockdown.acknowledgeWarning(input);
  readonly requestQuit = (input: { password: string }): Promise<Result<QuitDecision>> => this.parts.lockdown.requestQuit(input);

  onSnapshot(listener: (snapshot: SessionSnapshot) => void): () => void {
    return this.parts.reporter.subscribe(listener);
  }

  // ---- engine ---------------------------------------------------------------------------

  /** A call that never reached the engine (refused sender, payload the IPC adapter refused). */
  recordRejectedCall(call: string, reason: string): void {
    this.parts.reporter.recordRejectedCall(call, reason);
  }

  /** Someone tries to close Vigil (SessionLockdown.requestClose). */
  requestClose(via: string, password?: string): CloseOutcome {
    return this.parts.lockdown.requestClose(via, password);
  }

  /** Delivers queued uploads now (tests, and the shell before quitting). */
  flushUploads(): Promise<{ delivered: number; failed: number }> {
    return this.parts.delivery.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.parts.sources.stop();
    if (this.phase === 'active') {
      this.parts.detection.saveState();
      this.time.save();
    }
    this.parts.timers.cancel();
    this.parts.server.close();
    try {
      if (this.started) this.store.append('session_closed', { at: this.scheduler.now() });
    } catch (e) {
      this.parts.reporter.log(`could not record the clean close: ${String(e)}`);
    }
    if (this.started) this.saveMarker();
    this.parts.delivery.stop();
    this.parts.reporter.clear();
    this.store.close();
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
      startBy: this.phase === 'checking' ? this.parts.server.startByWall() : null,
      risk: this.parts.risk.current,
      submission: this.parts.delivery.receipt(),
      systemCheck: this.parts.lockdown.check?.report ?? null,
      returnWarning: this.phase === 'active' ? this.parts.integrity.warning : null,
      notices: [...this.parts.reporter.currentNotices(), ...nonNull(this.parts.delivery.uploadNotice())],
      proctorHold: this.parts.server.hold,
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
    this.parts.timers.begin();
    this.parts.server.begin();
  }

  /** Leaving 'active' for good at the submission: no deadline, pause or checkpoint timer runs on. */
  private setPhase(phase: SessionPhase): void {
    this.phase = phase;
    if (phase === 'submitted') this.parts.server.submitted();
  }

  /**
   * Exam time is up. A registered attempt ends at the server's deadline, carried on the
   * monotonic clock from the server's time reading, so no local clock change moves it either
   * way; an unregistered one at the end of its own exam time (exam-timekeeper.ts).
   */
  private timeUp(): boolean {
    return this.parts.server.timeUp() ?? this.time.timeUp();
  }

  /** When the exam ends, on this computer's wall clock (for the countdown). */
  private deadlineWall(): number {
    return this.parts.server.deadlineWall() ?? this.time.deadline();
  }

  private emit(): void {
    this.parts.reporter.publish(() => this.snapshot());
  }
}

const nonNull = <T>(v: T | null): T[] => (v === null ? [] : [v]);
