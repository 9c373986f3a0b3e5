import type { LiveStream } from './live-stream';
import type { ExamServerStorage, StoredLiveReport } from './storage';

export interface LiveRecordOptions {
  now: () => number;
  /** Reports are written in one transaction per this many ms (default 1 s). */
  flushMs?: number;
  /** Reports kept in memory while the disk refuses them; beyond this the oldest are dropped and counted. */
  maxPending?: number;
  log?: (line: string) => void;
}

type PendingReport = StoredLiveReport & { sessionId: string };

/**
 * Keeps what the live channel carries (the app's risk reports and flags, the server's score
 * of seed events) in storage, so the proctor's drill-down shows it after a restart too.
 *
 * Writes are batched: a thousand students streaming must not cost a synchronous fsync per
 * event on the path that sends alerts. A crash loses at most the last batch of this live
 * copy; the outbox still delivers the flags and the submission, and the student's own log
 * holds everything.
 */
export class LiveRecord {
  private pending: PendingReport[] = [];
  private dropped = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly detach: (() => void)[] = [];
  private readonly lockKept = new Set<string>();

  constructor(
    private readonly storage: ExamServerStorage,
    private readonly opts: LiveRecordOptions,
  ) {
    this.timer = setInterval(() => this.flush(), opts.flushMs ?? 1_000);
    this.timer.unref();
  }

  /** Listens to the stream: every app report, and each change of the server's own score. */
  attach(stream: LiveStream): void {
    this.detach.push(
      stream.onAppReport((e) => {
        const kind = e.kind === 'risk' ? 'app_risk' : 'app_flag';
        this.add({ sessionId: e.sessionId, kind, at: e.report.at, receivedAt: e.receivedAt, body: e.report });
      }),
      stream.onRiskChange((change) => {
        // The app's changes are kept as the reports themselves (with the app's clock), above.
        if (change.source !== 'stream') return;
        const { score, level, locked, warning, reasons } = change.risk;
        // A locked attempt is re-announced after every window; its lock is kept once.
        if (score === change.previousScore && (!locked || this.lockKept.has(change.sessionId))) return;
        if (locked) this.lockKept.add(change.sessionId);
        this.add({
          sessionId: change.sessionId,
          kind: 'stream_risk',
          at: change.at,
          receivedAt: change.at,
          body: { score, level, locked, warning, reasons, previousScore: change.previousScore },
        });
      }),
    );
  }

  add(report: PendingReport): void {
    this.pending.push(report);
    const max = this.opts.maxPending ?? 100_000;
    if (this.pending.length > max) {
      const over = this.pending.length - max;
      this.pending.splice(0, over);
      this.dropped += over;
    }
  }

  /** Writes what is waiting. Called on a timer, before a drill-down reads, and on close. */
  flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      this.storage.addLiveReports(batch);
    } catch (error) {
      // One bad report must not hold the rest back: each is tried alone. If none goes in, the
      // disk is the problem and all of them wait for the next try.
      const refused = batch.filter((r) => !this.tryOne(r));
      if (refused.length === batch.length) {
        this.pending = batch.concat(this.pending);
        this.opts.log?.(`keeping ${batch.length} live reports failed (will retry): ${(error as Error).message}`);
      } else if (refused.length > 0) {
        this.dropped += refused.length;
        this.opts.log?.(`${refused.length} live reports could not be kept (${refused.map((r) => `${r.kind} of ${r.sessionId}`).join(', ')})`);
      }
    }
  }

  private tryOne(report: PendingReport): boolean {
    try {
      this.storage.addLiveReports([report]);
      return true;
    } catch {
      return false;
    }
  }

  /** Reports dropped: refused by storage on their own, or pushed out while storage refused everything. */
  droppedCount(): number {
    return this.dropped;
  }

  close(): void {
    clearInterval(this.timer);
    for (const d of this.detach.splice(0)) d();
    this.flush();
  }
}
