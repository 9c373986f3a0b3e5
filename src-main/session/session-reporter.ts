import type { AuditStore } from '../audit/audit-store';
import { err } from '../contract';
import type { Result, SessionSnapshot } from '../contract';

/**
 * What an attempt tells the people around it: snapshots to the page's listeners, notices to
 * the student, and problems to the log and the audit (so a proctor sees them too).
 */
export class SessionReporter {
  private readonly listeners = new Set<(s: SessionSnapshot) => void>();
  private readonly notices = new Set<string>();
  /** A snapshot went out in this run of the event loop; later changes wait for its end. */
  private batchOpen = false;
  private trailing: (() => SessionSnapshot) | null = null;

  constructor(
    private readonly store: AuditStore,
    /** The student-facing state changed (a new notice): the session publishes a snapshot. */
    private readonly onChange: () => void,
    private readonly logLine: (line: string) => void = (l) => console.error(`[vigil] ${l}`),
  ) {}

  log(line: string): void {
    this.logLine(line);
  }

  /** A lasting notice for the student; each is shown once, in the order first raised. */
  addNotice(notice: string): void {
    this.notices.add(notice);
  }

  /** A notice whose cause has passed (the exam server answered at last). */
  removeNotice(notice: string): void {
    this.notices.delete(notice);
  }

  currentNotices(): string[] {
    return [...this.notices];
  }

  /** Logs and audits a failure the attempt survives, and tells the student a proctor can see it. */
  reportError(what: string, e: unknown): void {
    const message = `${what} failed: ${e instanceof Error ? e.message : String(e)}`;
    this.log(message);
    this.addNotice(`A problem occurred while ${what}; your proctor can see it in the log.`);
    try {
      this.store.append('error', { what, message });
    } catch {
      // The database itself is failing; the log line above is all that can be kept.
    }
    this.onChange();
  }

  /** A verb's input was unusable: audited, and the page gets `invalid_input` with `message`. */
  rejected(call: string, message: string): Result<never> {
    this.recordRejectedCall(call, message);
    return err('invalid_input', message);
  }

  /** The local database refused a write: reported, and the page gets `storage_failed`. */
  storageFailure(what: string, e: unknown): Result<never> {
    this.reportError(what, e);
    return err('storage_failed', `Vigil could not write to its local database while ${what}. Nothing already saved is lost; tell your proctor.`);
  }

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

  subscribe(listener: (snapshot: SessionSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Sends a snapshot to every listener; built only when someone listens. A failing listener
   * is logged, not fatal. Coalesced: the first change of a burst is sent at once, and every
   * later one in the same run of the event loop becomes a single snapshot of the final
   * state, sent when that run ends (5,000 saves in one go send two snapshots, not 5,000).
   */
  publish(build: () => SessionSnapshot): void {
    if (this.listeners.size === 0) return;
    if (this.batchOpen) {
      this.trailing = build;
      return;
    }
    this.batchOpen = true;
    queueMicrotask(() => {
      this.batchOpen = false;
      const last = this.trailing;
      this.trailing = null;
      if (last && this.listeners.size > 0) this.send(last());
    });
    this.send(build());
  }

  private send(snapshot: SessionSnapshot): void {
    for (const listener of this.listeners) {
      try {
        listener(snapshot);
      } catch (e) {
        this.log(`snapshot listener failed: ${String(e)}`);
      }
    }
  }

  /** Drops every listener (the attempt is closing). */
  clear(): void {
    this.listeners.clear();
    this.trailing = null;
  }
}
