import type { AuditStore } from '../audit/audit-store';
import type { Policy, RiskState, Scheduler } from '../contract';
import type { ProctorOrder } from '../contract/proctor-order';
import { CheckpointSchedule } from './checkpoint-schedule';
import { createExamClock, type ExamClock } from './exam-clock';
import { escrowsKey } from './key-escrow';
import { appliedOrders, startLiveLink, type LiveLink } from './live-link';
import { recordCheckpointBreak } from './server-anchor-check';
import type { ExamSessionOptions } from './session-options';
import type { SessionReporter } from './session-reporter';

type Flag = Parameters<LiveLink['reportFlag']>[0];

/**
 * What an attempt registered with the exam server adds to it: the server's deadline (carried
 * on a monotonic clock from the server's time reading, moved only by a proctor's signed
 * extension), checkpoints of the keyed chain, and the live link (risk and flags out, signed
 * proctor orders in). An unregistered attempt has none of it: every method is a no-op and
 * `timeUp`/`deadlineWall` answer null, so the session keeps its own exam time.
 */
export class ServerAttemptLink {
  private deadline: { clock: ExamClock; at: number } | null;
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
      reporter: () => SessionReporter;
      isActive: () => boolean;
      onTimeUp: () => void;
      emit: () => void;
    },
  ) {
    const server = a.opts.server ?? null;
    this.deadline = server ? { clock: createExamClock(a.scheduler, server.clockReading), at: server.deadline } : null;
    // An offline attempt that escrows its key checkpoints too: they wait in the outbox for the escrow's token.
    this.checkpoints = server || escrowsKey(a.opts, a.policy)
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
    return this.deadline !== null;
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

  /** Whether the server's deadline has passed; null for an unregistered attempt. */
  timeUp(): boolean | null {
    return this.deadline ? this.deadline.clock.now() >= this.deadline.at : null;
  }

  /** The server's deadline on this computer's wall clock; null for an unregistered attempt. */
  deadlineWall(): number | null {
    return this.deadline ? this.deadline.clock.toWall(this.deadline.at) : null;
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
    this.live?.stop();
  }

  private armTimeUp(): void {
    this.cancelTimeUp?.();
    if (!this.deadline) return;
    const { clock, at } = this.deadline;
    this.cancelTimeUp = this.a.scheduler.after(Math.max(0, at - clock.now()), this.a.onTimeUp);
  }

  /** A verified proctor order (already audited): pause, resume, or more time. */
  private applyOrder(order: ProctorOrder): void {
    if (order.action === 'extend') {
      // The signed deadline, not "plus N minutes": a restart already read the extended one from the server.
      if (this.deadline) this.deadline = { ...this.deadline, at: order.deadline };
      if (this.a.isActive() && this.cancelTimeUp) this.armTimeUp();
    } else if (this.a.isActive()) {
      // A pause never submits: answers stay saved, and the time-up timer still ends the exam.
      this.hold = order.action === 'lock' ? { reason: order.reason } : null;
    }
    this.a.emit();
  }
}
