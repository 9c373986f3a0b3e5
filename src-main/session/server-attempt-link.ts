import type { AuditStore } from '../audit/audit-store';
import type { Policy, RiskState, Scheduler } from '../contract';
import type { ProctorOrder } from '../contract/proctor-order';
import { CheckpointSchedule } from './checkpoint-schedule';
import type { Upload } from '../audit/chained-upload';
import { escrowsKey, examStartUpload } from './key-escrow';
import { appliedOrders, startLiveLink, type LiveLink } from './live-link';
import { recordCheckpointBreak } from './server-anchor-check';
import { PENDING_START_NOTICE, ServerExamTime } from './server-exam-time';
import { registrationFile } from './server-registration';
import type { ExamSessionOptions } from './session-options';
import type { SessionReporter } from './session-reporter';

type Flag = Parameters<LiveLink['reportFlag']>[0];

/**
 * What an attempt registered with the exam server adds to it: the server's exam time
 * (server-exam-time.ts: its clock, the start at Start, its deadline, moved only by signed
 * proctor orders), checkpoints of the keyed chain, and the live link (risk and flags out,
 * signed proctor orders in). A proctor's pause stops the exam's time: while it holds, time-up
 * never submits, and the unlock carries the server's deadline moved by the paused span. An
 * unregistered attempt has none of it: every method is a no-op and `timeUp`/`deadlineWall`
 * answer null, so the session keeps its own exam time.
 */
export class ServerAttemptLink {
  private readonly time: ServerExamTime | null;
  private cancelTimeUp: (() => void) | null = null;
  private readonly checkpoints: CheckpointSchedule | null;
  private live: LiveLink | null = null;
  /** A proctor's pause (signed lock order) in force; restored from the audit on a restart. */
  hold: { reason: string } | null = null;

  constructor(
    private readonly a: {
      opts: ExamSessionOptions;
      store: AuditStore;
      scheduler: Scheduler;
      sessionId: string;
      policy: Policy;
      /** The exam's length (the attempt's own exam): a start the server has not answered runs on it. */
      durationMs: number;
      reporter: () => SessionReporter;
      isActive: () => boolean;
      onTimeUp: () => void;
      emit: () => void;
    },
  ) {
    const { opts } = a;
    const server = opts.server ?? null;
    this.time = server
      ? new ServerExamTime({
          server,
          serverUrl: opts.serverUrl !== undefined ? opts.serverUrl : a.policy.serverUrl,
          store: a.store,
          scheduler: a.scheduler,
          durationMs: a.durationMs,
          registrationFile: registrationFile(opts.dataDir, opts.exam.id, opts.studentId),
          onDeadlineMoved: () => {
            if (a.isActive() && this.cancelTimeUp) this.armTimeUp();
            a.emit();
          },
          onPendingNotice: (notice) => {
            const reporter = a.reporter();
            if (notice) reporter.addNotice(notice);
            else reporter.removeNotice(PENDING_START_NOTICE);
            a.emit();
          },
          onError: (what, e) => a.reporter().reportError(what, e),
          log: (line) => a.reporter().log(line),
          ...(opts.fetch ? { fetch: opts.fetch } : {}),
        })
      : null;
    // An offline attempt that escrows its key checkpoints too: they wait in the outbox for the escrow's token.
    this.checkpoints = server || escrowsKey(opts, a.policy)
      ? new CheckpointSchedule({
          store: a.store,
          scheduler: a.scheduler,
          sessionId: a.sessionId,
          everyRows: a.policy.checkpoints.everyRows,
          everySeconds: a.policy.checkpoints.everySeconds,
          onError: (what, e) => a.reporter().reportError(what, e),
        })
      : null;
  }

  get registered(): boolean {
    return this.time !== null;
  }

  /**
   * Start was pressed and the check passed: the server starts the exam's time (or, unreachable,
   * it starts here and the server is told later). What exam_started records; null without a
   * server. An attempt that escrows its key (not registered yet) claims its start through the
   * outbox, under exam_started: the escrow registered it as waiting for its check (key-escrow.ts).
   */
  async startOnServer(): Promise<{ serverAt: number; deadline?: number; upload?: Upload } | null> {
    if (this.time) return this.time.start();
    if (!escrowsKey(this.a.opts, this.a.policy)) return null;
    const at = this.a.scheduler.now();
    return { serverAt: at, upload: examStartUpload(this.a.sessionId, at) };
  }

  /** A restarted exam that had started: if the server has not heard so, tell it (the claim from exam_started). */
  resumeStart(claim: number | null, running: boolean): void {
    this.time?.resumeUnconfirmed(claim, running);
  }

  /** While the system check runs: when the exam's time starts at the latest (wall clock); null unregistered. */
  startByWall(): number | null {
    return this.time ? this.time.startByWall() : null;
  }

  /** On a restart: the local log did not extend the server's last checkpoint. True when recorded. */
  recordCheckpointBreak(now: number): boolean {
    const broken = this.a.opts.server?.checkpointBreak;
    if (!broken) return false;
    recordCheckpointBreak(this.a.store, broken, { sessionId: this.a.sessionId, studentId: this.a.opts.studentId, now });
    return true;
  }

  /** The exam runs: the server's deadline timer and the checkpoints. */
  begin(): void {
    this.armTimeUp();
    this.checkpoints?.start();
  }

  /** The exam is submitted: no deadline, pause or checkpoint timer runs on; the log as submitted is anchored. */
  submitted(): void {
    this.cancelTimeUp?.();
    this.hold = null;
    this.checkpoints?.stop();
    this.checkpoints?.queueNow();
  }

  /**
   * Whether the server's deadline has passed; null for an unregistered attempt. Never while a
   * proctor's pause holds (the exam's time is stopped) or before the time has started.
   */
  timeUp(): boolean | null {
    if (!this.time) return null;
    const at = this.time.deadline;
    return at !== null && this.hold === null && this.time.now() >= at;
  }

  /** The server's deadline on this computer's wall clock; null unregistered or not started. */
  deadlineWall(): number | null {
    const at = this.time?.deadline ?? null;
    return at === null ? null : this.time!.toWall(at);
  }

  startLive(risk: RiskState): void {
    const { opts, policy, store, scheduler } = this.a;
    const serverUrl = opts.serverUrl !== undefined ? opts.serverUrl : policy.serverUrl;
    const applied = appliedOrders(store);
    if (this.a.isActive()) this.hold = applied.hold;
    const reporter = this.a.reporter();
    this.live = startLiveLink(
      serverUrl,
      opts.server ?? null,
      {
        store,
        now: () => scheduler.now(),
        onApply: (o) => this.applyOrder(o),
        onError: (what, e) => reporter.reportError(what, e),
        log: (line) => reporter.log(line),
      },
      applied,
    );
    this.live?.reportRisk(risk);
  }

  reportRisk(next: RiskState): void {
    this.live?.reportRisk(next);
  }

  reportFlag(flag: Flag): void {
    this.live?.reportFlag(flag);
  }

  close(): void {
    this.checkpoints?.stop();
    this.cancelTimeUp?.();
    this.time?.stop();
    this.live?.stop();
  }

  private armTimeUp(): void {
    this.cancelTimeUp?.();
    const at = this.time?.deadline ?? null;
    if (at === null) return;
    this.cancelTimeUp = this.a.scheduler.after(Math.max(0, at - this.time!.now()), () => {
      // Held by the proctor: the time is stopped; the unlock's deadline re-arms the timer.
      if (this.hold === null) this.a.onTimeUp();
    });
  }

  /**
   * A verified proctor order (already audited): pause, resume, or more time. The deadline is
   * always the signed one in the order, never "plus N minutes" or "plus the pause" computed
   * here: a restart already read the moved deadline from the server, and the student cannot
   * lengthen a pause by delaying the unlock's arrival.
   */
  private applyOrder(order: ProctorOrder): void {
    const moved = this.time?.applyOrder(order) ?? false;
    if (order.action !== 'extend' && this.a.isActive()) {
      // A pause never submits: answers stay saved, and the time-up timer waits for the unlock.
      this.hold = order.action === 'lock' ? { reason: order.reason } : null;
    }
    if (this.a.isActive() && this.cancelTimeUp && (moved || order.action === 'unlock')) this.armTimeUp();
    this.a.emit();
  }
}
