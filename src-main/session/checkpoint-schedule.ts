import type { AuditStore } from '../audit/audit-store';
import type { Scheduler } from '../contract';
import { monotonicNow } from '../contract';

export interface CheckpointScheduleOptions {
  store: AuditStore;
  scheduler: Scheduler;
  sessionId: string;
  /** A checkpoint once this many rows were added since the last one. */
  everyRows: number;
  /** And at least this often while rows are being added. */
  everySeconds: number;
  onError: (what: string, e: unknown) => void;
}

/** How often the schedule looks at the log's head: "every N rows" is kept within this. */
const LOOK_MS = 1000;

export const checkpointPath = (sessionId: string): string => `/api/sessions/${encodeURIComponent(sessionId)}/checkpoints`;

/**
 * Sends the exam server `{seq, hash, tag}` of the log's head every N rows and every T
 * seconds, and once more at submit, through the outbox: a checkpoint written offline goes
 * when the server is back, and the server refuses (409) one that does not extend the last,
 * which the relay keeps in the audit log. A checkpoint's own row is not progress: an idle
 * attempt sends nothing.
 */
export class CheckpointSchedule {
  private lastQueuedSeq: number;
  private lastQueuedAt: number;
  private cancel: (() => void) | null = null;

  constructor(private readonly o: CheckpointScheduleOptions) {
    this.lastQueuedSeq = o.store.head()?.seq ?? 0;
    this.lastQueuedAt = monotonicNow(o.scheduler);
  }

  start(): void {
    if (this.cancel) return;
    this.cancel = this.o.scheduler.every(LOOK_MS, () => this.look());
  }

  stop(): void {
    this.cancel?.();
    this.cancel = null;
  }

  /** Queues the head's checkpoint now (at submit), unless nothing was added since the last. */
  queueNow(): void {
    try {
      const seq = this.o.store.head()?.seq ?? 0;
      if (seq <= this.lastQueuedSeq) return;
      const queued = this.o.store.queueCheckpoint(checkpointPath(this.o.sessionId));
      if (queued) {
        this.lastQueuedSeq = queued.seq;
        this.lastQueuedAt = monotonicNow(this.o.scheduler);
      }
    } catch (e) {
      this.o.onError('queueing a checkpoint', e);
    }
  }

  private look(): void {
    let seq: number;
    try {
      seq = this.o.store.head()?.seq ?? 0;
    } catch (e) {
      this.o.onError('reading the log head', e);
      return;
    }
    const rows = seq - this.lastQueuedSeq;
    if (rows <= 0) return;
    const elapsed = monotonicNow(this.o.scheduler) - this.lastQueuedAt;
    if (rows >= this.o.everyRows || elapsed >= this.o.everySeconds * 1000) this.queueNow();
  }
}
