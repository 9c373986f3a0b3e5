import type { AuditStore } from '../audit/audit-store';
import { SubmitInputSchema, WindowEventSchema, err, ok } from '../contract';
import type { Result, RiskState, SaveAnswerInput, SavedAnswer, Scheduler, SessionPhase, SubmissionReceipt, WindowEvent } from '../contract';
import type { AnswerIntake } from './answer-intake';
import type { DetectionPipeline } from './detection-pipeline';
import type { ExamTimekeeper } from './exam-timekeeper';
import type { IntegrityWatch } from './integrity-watch';
import type { SessionEnding } from './session-ending';
import type { SessionReporter } from './session-reporter';
import type { SubmissionDelivery } from './submission-delivery';

export interface AttemptVerbsContext {
  store: AuditStore;
  scheduler: Scheduler;
  intake: AnswerIntake;
  /** The attempt's saved answers, by question (the session's own map: the snapshot reads it). */
  answers: Map<string, SavedAnswer>;
  reporter: SessionReporter;
  detection: DetectionPipeline;
  integrity: IntegrityWatch;
  delivery: SubmissionDelivery;
  ending: SessionEnding;
  phase: () => SessionPhase;
  /** Session time (the timekeeper's), which no wall-clock change moves. */
  time: () => ExamTimekeeper;
  /** The exam's time is up (the server's deadline when registered; never while a proctor's pause holds). */
  timeUp: () => boolean;
  updateRisk: (next: RiskState) => void;
  emit: () => void;
}

/**
 * The student's verbs on a running attempt, behind `window.vigil`: saving an answer, the
 * page's window events, the submission, and the page's word that it flushed its saves
 * after a lock. The session owns the state they act on; these decide what a call means for
 * it (a save after the deadline is kept and then submits, a submission records why the exam
 * really ended).
 */
export class AttemptVerbs {
  constructor(private readonly c: AttemptVerbsContext) {}

  async saveAnswer(input: SaveAnswerInput): Promise<Result<SavedAnswer>> {
    const { c } = this;
    const admitted = c.intake.admit(input);
    if (!admitted.ok) return admitted;
    const phase = c.phase();
    // The time-up timer can fire late (a suspended laptop, a clock set forward). The text the
    // student typed up to then is theirs: it is saved, then the exam is submitted with it.
    const timeUp = phase === 'active' && c.timeUp();
    // A locked exam still takes the saves the page flushes before its submission is written.
    if (phase === 'submitted') {
      return err('session_submitted', 'The exam has been submitted; answers can no longer change.');
    }
    try {
      const saved = c.store.saveAnswer(admitted.value);
      c.answers.set(saved.questionId, saved);
      if (timeUp) c.ending.trySubmit('time_up');
      c.emit();
      return ok(saved);
    } catch (e) {
      return c.reporter.storageFailure('saving an answer', e);
    }
  }

  async reportWindowEvent(event: WindowEvent): Promise<Result<null>> {
    const { c } = this;
    const parsed = WindowEventSchema.safeParse(event);
    if (!parsed.success) return c.reporter.rejected('reportWindowEvent', 'Unrecognised window event.');
    if (c.phase() !== 'active') return ok(null);
    try {
      // Detection runs on session time; the integrity watch on wall time, as the OS watcher's observations do.
      const integrity = c.detection.pushWindowEvent(parsed.data, c.time().now());
      if (parsed.data.kind === 'focus') c.integrity.pageFocus(parsed.data.focused, c.scheduler.now());
      if (integrity) c.updateRisk(c.detection.recordIntegrity(integrity, c.time().now(), ''));
      return ok(null);
    } catch (e) {
      return c.reporter.storageFailure('recording a window event', e);
    }
  }

  async lockFlushed(): Promise<Result<null>> {
    // Only a lock waits for the page; at any other time this changes nothing.
    if (this.c.phase() === 'locked') this.c.ending.trySubmit('risk_limit');
    return ok(null);
  }

  async submit(input: { confirm: true }): Promise<Result<SubmissionReceipt>> {
    const { c } = this;
    if (!SubmitInputSchema.safeParse(input).success) return err('invalid_input', 'Submission needs confirmation.');
    const receipt = c.delivery.receipt();
    const phase = c.phase();
    if (phase === 'submitted' && receipt) return ok(receipt);
    try {
      // The record says why the exam really ended: a lock still retrying its submission, or a late time-up timer.
      const reason = phase === 'locked' ? 'risk_limit' : c.timeUp() ? 'time_up' : 'student';
      return ok(c.ending.submit(reason));
    } catch (e) {
      return c.reporter.storageFailure('submitting', e);
    }
  }
}
