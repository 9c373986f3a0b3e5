import type { AuditStore } from '../audit/audit-store';
import { monotonicNow, type Scheduler } from '../contract';
import type { ExamStartResponse } from '../contract/exam-server-api';
import type { ProctorOrder } from '../contract/proctor-order';
import { ExamServerClient } from '../upload/exam-server-client';
import { createExamClock, type ExamClock } from './exam-clock';
import { recordServerStart, type ServerAttempt } from './server-registration';

export interface ServerExamTimeOptions {
  server: ServerAttempt;
  /** Where the exam server is; null when none is configured any more (the start stays local). */
  serverUrl: string | null;
  store: AuditStore;
  scheduler: Scheduler;
  /** The exam's length: the local estimate of a start the server has not answered yet. */
  durationMs: number;
  /** The attempt's registration file: a started deadline is kept there for an offline restart. */
  registrationFile: string;
  /** The deadline moved (the server answered a start made offline): re-arm and re-publish. */
  onDeadlineMoved: () => void;
  /** Shown to the student while the server has not confirmed the start; null removes it. */
  onPendingNotice: (notice: string | null) => void;
  onError: (what: string, e: unknown) => void;
  log: (line: string) => void;
  fetch?: typeof globalThis.fetch;
}

/** Long enough for a slow network, short enough that a student pressing Start is not left waiting. */
const START_TIMEOUT_MS = 8_000;
const RETRY_MS = 15_000;

export const PENDING_START_NOTICE =
  'Your exam started while the exam server could not be reached. Your time runs on this computer, your answers are saved here, and the server is told as soon as it can be reached.';

/**
 * The exam's time of an attempt registered with the exam server: the server's clock (one
 * reading carried on the monotonic clock, exam-clock.ts), the server's deadline, and the
 * start. The server starts the time when the student presses Start (`POST .../start`); when
 * it cannot be reached, the exam starts anyway on the local estimate of the server's clock,
 * with the server's own rule (never later than `startBy`), and the claim is sent until the
 * server answers. Its answer then rules: the server bounds the claim, so faking or delaying
 * it gains nothing beyond the check window it allowed at registration.
 */
export class ServerExamTime {
  private clock: ExamClock;
  private deadlineAt: number | null;
  private serverStartedAt: number | null;
  /** The deadline is the server's (not the local estimate of a start it has not answered). */
  private confirmed: boolean;
  private pendingClaim: number | null = null;
  private cancelRetry: (() => void) | null = null;
  private cancelReread: (() => void) | null = null;
  private readonly client: ExamServerClient | null;
  private stopped = false;

  constructor(private readonly o: ServerExamTimeOptions) {
    this.clock = createExamClock(o.scheduler, o.server.clockReading);
    this.deadlineAt = o.server.deadline;
    this.serverStartedAt = o.server.examStartedAt;
    this.confirmed = o.server.deadline !== null;
    this.client = o.serverUrl ? new ExamServerClient({ serverUrl: o.serverUrl, timeoutMs: START_TIMEOUT_MS, ...(o.fetch ? { fetch: o.fetch } : {}) }) : null;
    // Resumed offline from the kept file: the server's clock and deadline are read again once it answers.
    if (o.server.readOffline && this.client) this.cancelReread = o.scheduler.after(0, () => void this.reread());
  }

  /** The server's clock now (estimated). */
  now(): number {
    return this.clock.now();
  }

  /** The deadline on the server's clock; null until the exam's time has started. */
  get deadline(): number | null {
    return this.deadlineAt;
  }

  toWall(serverTime: number): number {
    return this.clock.toWall(serverTime);
  }

  /**
   * While the system check runs: when the exam's time starts at the latest (or started, if a
   * crash came between the server's start and this computer's record of it), on the wall clock.
   */
  startByWall(): number | null {
    const at = this.deadlineAt === null ? this.o.server.startBy : this.serverStartedAt;
    return at === null ? null : this.clock.toWall(at);
  }

  /**
   * The student pressed Start and the check passed: the server starts the time. Answers what
   * exam_started records: the start on the server's clock and, when it answered, its deadline.
   */
  async start(): Promise<{ serverAt: number; deadline?: number }> {
    if (this.deadlineAt !== null) {
      // Started already: at registration (an app or server without the deferred start), or on the server before a crash.
      return { serverAt: this.serverStartedAt ?? this.clock.now(), ...(this.confirmed ? { deadline: this.deadlineAt } : {}) };
    }
    const claim = this.clock.now();
    const { sessionId, token } = this.o.server;
    const answer = this.client ? await this.client.start(sessionId, token, {}) : null;
    if (answer?.ok) {
      this.adopt(answer.value, monotonicNow(this.o.scheduler));
      return { serverAt: answer.value.examStartedAt, deadline: answer.value.deadline };
    }
    // Refused (not merely unreachable): retrying cannot help; the proctor sees the error.
    const refused = answer !== null && answer.reason !== 'unreachable';
    this.startLocally(claim, answer ? answer.message : 'no exam server is configured', !refused);
    if (refused) this.o.onError("starting the exam's time on the exam server", new Error(answer.message));
    return { serverAt: claim };
  }

  /**
   * A restart of an exam the server has not heard started: its claim goes out again. `running`
   * false (locked or submitted since): only the server's record is at stake, so the student
   * is not told, and there is no claim to invent if exam_started has none.
   */
  resumeUnconfirmed(claim: number | null, running: boolean): void {
    if (this.deadlineAt !== null) return;
    if (running) this.startLocally(claim ?? this.clock.now(), 'not yet told after a restart', true);
    else if (claim !== null) {
      this.pendingClaim = claim;
      this.scheduleRetry(this.client ? 0 : null);
    }
  }

  /**
   * A verified proctor order carries the server's deadline after it. It rules only once the
   * server's deadline is known, and only if it was issued after the exam's time started: an
   * earlier order's deadline was a cap the start already took into account.
   */
  applyOrder(order: ProctorOrder): boolean {
    if (!this.confirmed) return false;
    if (this.serverStartedAt !== null && order.issuedAt < this.serverStartedAt) return false;
    if (order.deadline === this.deadlineAt) return false;
    this.deadlineAt = order.deadline;
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.cancelRetry?.();
    this.cancelRetry = null;
    this.cancelReread?.();
    this.cancelReread = null;
  }

  /**
   * An offline restart ran on the file kept beside the attempt; once the server answers, its
   * clock and deadline rule (an edited file gains nothing past that moment). A start it has
   * not heard of yet is the start retry's business.
   */
  private async reread(): Promise<void> {
    this.cancelReread = null;
    if (this.stopped || !this.client) return;
    const { sessionId, token } = this.o.server;
    const status = await this.client.status(sessionId, token);
    if (this.stopped) return;
    if (!status.ok) {
      if (status.reason === 'unreachable') this.cancelReread = this.o.scheduler.after(RETRY_MS, () => void this.reread());
      else this.o.onError("reading the exam server's deadline again", new Error(status.message));
      return;
    }
    const s = status.value;
    this.clock = createExamClock(this.o.scheduler, { serverTime: s.serverTime, monotonicAt: monotonicNow(this.o.scheduler) });
    if (s.deadline !== null && s.deadline !== this.deadlineAt) {
      this.o.log(`the exam server's deadline is ${new Date(s.deadline).toISOString()}, not the one kept on this computer (${this.deadlineAt === null ? 'none' : new Date(this.deadlineAt).toISOString()})`);
      this.deadlineAt = s.deadline;
      this.serverStartedAt = s.examStartedAt ?? this.serverStartedAt;
      this.confirmed = true;
      this.pendingClaim = null;
      this.cancelRetry?.();
      this.o.onPendingNotice(null);
    }
    this.o.onDeadlineMoved();
  }

  private startLocally(claim: number, why: string, retry: boolean): void {
    const startBy = this.o.server.startBy;
    this.pendingClaim = claim;
    this.deadlineAt = Math.min(claim, startBy ?? claim) + this.o.durationMs;
    this.confirmed = false;
    this.o.log(`the exam server did not start the exam's time (${why}); it runs on this computer from the server-clock estimate, and the start is sent until the server answers`);
    this.o.onPendingNotice(PENDING_START_NOTICE);
    this.scheduleRetry(this.client && retry ? RETRY_MS : null);
  }

  private scheduleRetry(ms: number | null): void {
    this.cancelRetry?.();
    this.cancelRetry = ms === null || this.stopped ? null : this.o.scheduler.after(ms, () => void this.retry());
  }

  private async retry(): Promise<void> {
    this.cancelRetry = null;
    if (this.stopped || this.pendingClaim === null || !this.client) return;
    const { sessionId, token } = this.o.server;
    const answer = await this.client.start(sessionId, token, { clientStartedAt: Math.round(this.pendingClaim) });
    if (this.stopped) return;
    if (!answer.ok) {
      if (answer.reason === 'unreachable') this.scheduleRetry(RETRY_MS);
      // Refused: retrying cannot help; the proctor sees the error, the exam goes on to the local deadline.
      else this.o.onError("telling the exam server when the exam started", new Error(answer.message));
      return;
    }
    const r = answer.value;
    this.adopt(r, monotonicNow(this.o.scheduler));
    try {
      this.o.store.append('exam_start_confirmed', { at: this.o.scheduler.now(), examStartedAt: r.examStartedAt, deadline: r.deadline });
    } catch (e) {
      this.o.onError('recording the server\'s start of the exam', e);
    }
    this.o.onPendingNotice(null);
    this.o.onDeadlineMoved();
  }

  private adopt(r: ExamStartResponse, monotonicAt: number): void {
    this.clock = createExamClock(this.o.scheduler, { serverTime: r.serverTime, monotonicAt });
    this.deadlineAt = r.deadline;
    this.serverStartedAt = r.examStartedAt;
    this.confirmed = true;
    this.pendingClaim = null;
    try {
      recordServerStart(this.o.registrationFile, { examStartedAt: r.examStartedAt, deadline: r.deadline });
    } catch (e) {
      // Online restarts read the deadline from the server; only an offline restart needs the file.
      this.o.onError('keeping the server\'s deadline on this computer', e);
    }
  }
}
