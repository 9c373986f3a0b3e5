import { monotonicNow } from '../contract/clock';
import type { Clock } from '../contract/clock';
import { DEFAULT_JUMP_TOLERANCE_MS } from './steady-timeline';

/** What is persisted so a restart carries on the count (and cannot be used to reset it). */
export interface ElapsedRecord {
  elapsedMs: number;
  /** Wall time of the reading, to count the time the app was not running. */
  wallAt: number;
}

/**
 * Exam time used so far, counted so that no clock change lengthens the exam:
 * - it advances with the monotonic clock, so a wall clock set back an hour gives nothing;
 * - a forward wall jump (or a sleep, which looks the same) is counted as time that passed,
 *   as the wall-clock deadline always did;
 * - across a restart the downtime is counted from the wall clock when it is positive, and
 *   as zero when the wall clock now shows an earlier time than the last record (set back
 *   while the app was closed): the count resumes, it never restarts.
 * The server's own deadline stays the final word; this keeps the client honest on its own.
 */
export class ExamElapsed {
  private elapsed: number;
  private lastMono: number;
  private lastWall: number;

  constructor(
    private readonly clock: Clock,
    resume: ElapsedRecord | null = null,
    private readonly toleranceMs = DEFAULT_JUMP_TOLERANCE_MS,
  ) {
    this.lastMono = monotonicNow(clock);
    this.lastWall = clock.now();
    this.elapsed = resume ? resume.elapsedMs + Math.max(0, this.lastWall - resume.wallAt) : 0;
    if (!Number.isFinite(this.elapsed) || this.elapsed < 0) {
      throw new RangeError(`ExamElapsed: a stored elapsed time must be a non-negative number, got ${resume?.elapsedMs}`);
    }
  }

  /** Milliseconds of exam time used. Never decreases. */
  elapsedMs(): number {
    const mono = monotonicNow(this.clock);
    const wall = this.clock.now();
    const dMono = Math.max(0, mono - this.lastMono);
    const ahead = wall - this.lastWall - dMono;
    this.elapsed += dMono + (ahead > this.toleranceMs ? ahead : 0);
    this.lastMono = mono;
    this.lastWall = wall;
    return this.elapsed;
  }

  record(): ElapsedRecord {
    return { elapsedMs: Math.round(this.elapsedMs()), wallAt: Math.round(this.lastWall) };
  }
}
