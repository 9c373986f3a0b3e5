import { z } from 'zod';
import type { AuditStore } from '../audit/audit-store';
import type { ElapsedRecord } from '../clock/exam-elapsed';
import { SessionClock } from '../clock/session-clock';
import type { RawEvent, Scheduler } from '../contract';

export interface ExamTimekeeperOptions {
  store: AuditStore;
  scheduler: Scheduler;
  durationMinutes: number;
  /** When the attempt started (wall), for an attempt recorded before exam time was kept. */
  startedAt: number;
  /** A resumed attempt carries on its count; a new one starts at zero. */
  resumed: boolean;
  /** Exam time has run out (called again until the session stops the timekeeper). */
  onTimeUp: () => void;
  /** The wall clock jumped; the countdown the page shows must be re-sent. */
  onJump: () => void;
  onError: (what: string, e: unknown) => void;
}

const ElapsedRecordSchema = z.object({ elapsedMs: z.number().min(0), wallAt: z.number() });

/**
 * Keeps an attempt's time: session time for activity and scoring, exam time for the
 * deadline (SessionClock), persisted as elapsed time so a restart neither resets nor
 * extends it, and wall-clock jumps recorded as `clock_jump` findings.
 */
export class ExamTimekeeper {
  private readonly clock: SessionClock;
  private cancelTimeUp: (() => void) | null = null;

  constructor(private readonly opts: ExamTimekeeperOptions) {
    this.clock = new SessionClock(opts.scheduler, opts.durationMinutes * 60_000, this.resumeRecord());
  }

  /** Session time: epoch ms that no clock change moves. */
  now(): number {
    return this.clock.now();
  }

  /** Wall time, for records. */
  wall(): number {
    return this.clock.wall();
  }

  timeUp(): boolean {
    return this.clock.timeUp();
  }

  /** The deadline on the page's (wall) clock. */
  deadline(): number {
    return this.clock.deadlineWall();
  }

  toSessionTime(event: RawEvent): RawEvent {
    return this.clock.toSessionTime(event);
  }

  /** Arms the time-up timer and records the count, so a crash right after start resumes it. */
  start(): void {
    this.save();
    this.armTimeUp();
  }

  /**
   * On the scoring cadence: records a wall-clock jump (once), and ends the exam when a
   * forward jump or a sleep used up its time before the timer (monotonic) would fire.
   */
  tick(): void {
    const jump = this.clock.checkJump();
    if (jump) {
      try {
        this.opts.store.append('clock_jump', { ...jump, remainingMs: Math.round(this.clock.remainingMs()) });
      } catch (e) {
        this.opts.onError('recording a clock change', e);
      }
      this.save();
      this.armTimeUp();
      this.opts.onJump();
    }
    if (this.clock.timeUp()) this.opts.onTimeUp();
  }

  /** Persists the count (engine state); a failure is reported, the exam goes on. */
  save(): void {
    try {
      this.opts.store.saveEngineState(EXAM_CLOCK_KEY, this.clock.record());
    } catch (e) {
      this.opts.onError('saving the exam time', e);
    }
  }

  stop(): void {
    this.cancelTimeUp?.();
    this.cancelTimeUp = null;
  }

  private armTimeUp(): void {
    this.stop();
    this.cancelTimeUp = this.opts.scheduler.after(this.clock.remainingMs(), () => this.opts.onTimeUp());
  }

  private resumeRecord(): ElapsedRecord | null {
    if (!this.opts.resumed) return null;
    const stored = ElapsedRecordSchema.safeParse(this.opts.store.loadEngineState(EXAM_CLOCK_KEY));
    if (stored.success) return stored.data;
    // Recorded before exam time was kept: count from the start, as the wall clock did.
    const now = this.opts.scheduler.now();
    return { elapsedMs: Math.max(0, now - this.opts.startedAt), wallAt: now };
  }
}

const EXAM_CLOCK_KEY = 'exam_clock';
