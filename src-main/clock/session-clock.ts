import type { RawEvent } from '../contract/activity';
import type { Clock, ClockJump } from '../contract/clock';
import { ExamElapsed, type ElapsedRecord } from './exam-elapsed';
import { SteadyTimeline } from './steady-timeline';

/**
 * The exam session's view of time. Activity, scoring and the risk ledger run on session
 * time (a steady timeline: epoch ms from the session's start, advancing only with the
 * monotonic clock); records say the wall time; exam time is counted so no clock change
 * lengthens the exam (ExamElapsed). The countdown the page shows is re-expressed on the
 * wall clock it reads, so after a jump it shows the true remaining time, not an extra hour.
 */
export class SessionClock {
  private readonly timeline: SteadyTimeline;
  private readonly elapsed: ExamElapsed;

  constructor(
    clock: Clock,
    private readonly durationMs: number,
    resume: ElapsedRecord | null = null,
  ) {
    this.timeline = new SteadyTimeline(clock);
    this.elapsed = new ExamElapsed(clock, resume);
  }

  /** Session time (never jumps). */
  now(): number {
    return this.timeline.now();
  }

  /** Wall time, for records. */
  wall(): number {
    return this.timeline.wall();
  }

  remainingMs(): number {
    return Math.max(0, this.durationMs - this.elapsed.elapsedMs());
  }

  timeUp(): boolean {
    return this.remainingMs() <= 0;
  }

  /** When time runs out, on the wall clock the page's countdown compares with. */
  deadlineWall(): number {
    return Math.round(this.wall() + this.remainingMs());
  }

  checkJump(): ClockJump | null {
    return this.timeline.checkJump();
  }

  /** Persist this (engine state) so a restart carries on the count. */
  record(): ElapsedRecord {
    return this.elapsed.record();
  }

  /**
   * Moves an event stamped on the wall clock (capture sources, the page) onto session
   * time. An event that would still lie in the future afterwards (stamped before a jump
   * back, delivered after it) is taken as happening now, so it never waits in the windower
   * for the clock to catch up.
   */
  toSessionTime(event: RawEvent): RawEvent {
    const shift = this.timeline.currentSkew();
    const now = this.timeline.now();
    const at = (t: number): number => Math.min(t - shift, now);
    if (event.kind === 'key') {
      const down = at(event.sample.down);
      return { kind: 'key', sample: { ...event.sample, down, up: down + (event.sample.up - event.sample.down) } };
    }
    return { ...event, t: at(event.t) };
  }
}
