import type { AuditStore } from '../audit/audit-store';
import type { Exam, RiskState, SavedAnswer, Scheduler, SessionPhase, SubmissionReceipt } from '../contract';
import type { ActiveTimers } from './active-timers';
import type { DetectionPipeline } from './detection-pipeline';
import type { EventSources } from './event-sources';
import type { IntegrityWatch } from './integrity-watch';
import type { SessionReporter } from './session-reporter';
import { recordSubmission } from './submission-record';
import type { SubmissionDelivery } from './submission-delivery';

/** A forced submission (time up, lock) that could not be written is tried again this often. */
const SUBMIT_RETRY_MS = 5_000;
/** How long a lock waits for the page's last saves before submitting. */
const LOCK_FLUSH_MAX_MS = 15_000;

/**
 * How an attempt ends: the lock at a score of 100, the submission (by the student, at time
 * up, after a lock) with its last scoring, and the retries of a forced submission. The
 * session owns the phase and the risk; this moves them through `locked` to `submitted`.
 */
export class SessionEnding {
  constructor(
    private readonly a: {
      store: AuditStore;
      scheduler: Scheduler;
      /** Session time (detection's clock), which no wall-clock change moves. */
      sessionNow: () => number;
      exam: Exam;
      studentId: string;
      sessionId: string;
      sources: EventSources;
      timers: ActiveTimers;
      detection: DetectionPipeline;
      integrity: IntegrityWatch;
      delivery: SubmissionDelivery;
      reporter: SessionReporter;
      phase: () => SessionPhase;
      setPhase: (p: SessionPhase) => void;
      risk: () => RiskState;
      answers: () => SavedAnswer[];
      closed: () => boolean;
      updateRisk: (next: RiskState) => void;
      emit: () => void;
    },
  ) {}

  /**
   * At 100: lock, flush answers, auto-submit, record why. The page saves what it still holds
   * (text inside its autosave delay) when it sees the lock and then says so (lockFlushed);
   * the submission waits for that, or for LOCK_FLUSH_MAX_MS when the page is gone. A fixed
   * short wait lost the last words on a loaded machine, where the page saw the lock late.
   */
  lock(): void {
    const { a } = this;
    a.setPhase('locked');
    a.sources.stop();
    const risk = a.risk();
    a.store.append('session_locked', { at: a.scheduler.now(), score: risk.score, reasons: risk.reasons });
    a.emit();
    a.timers.after(LOCK_FLUSH_MAX_MS, () => this.trySubmit('risk_limit'));
  }

  submit(reason: SubmissionReceipt['reason']): SubmissionReceipt {
    const { a } = this;
    const existing = a.delivery.receipt();
    if (existing) return existing;
    const submittedAt = a.scheduler.now();
    a.sources.stop();
    a.timers.cancel();
    // Score what is still open, so the last seconds of activity are on the record too
    // (also at a lock: updateRisk does not lock twice once the phase has left 'active').
    if (a.phase() !== 'submitted') {
      if (a.phase() === 'active') a.integrity.settle(submittedAt);
      a.detection.scoreUntil(a.sessionNow(), a.updateRisk);
    }
    const { receipt, seq } = recordSubmission(a.store, {
      sessionId: a.sessionId,
      studentId: a.studentId,
      examId: a.exam.id,
      submittedAt,
      reason,
      answers: a.answers(),
      risk: a.risk(),
    });
    a.setPhase('submitted');
    a.delivery.track(receipt, seq);
    a.emit();
    return receipt;
  }

  /**
   * The exam must end (time up, lock): a submission that cannot be written is reported and
   * retried, never thrown out of a timer or left waiting for a restart.
   */
  trySubmit(reason: SubmissionReceipt['reason']): void {
    if (this.a.closed()) return; // the next open finishes it (restored phase, deadline)
    try {
      this.submit(reason);
    } catch (e) {
      this.a.reporter.reportError('submitting', e);
      this.a.timers.after(SUBMIT_RETRY_MS, () => this.trySubmit(reason));
    }
  }
}
