import { monotonicNow } from '../contract/clock';
import type { Clock, ClockJump } from '../contract/clock';

/**
 * Wall-clock steps below this are NTP's business (it slews small errors, and reading two
 * clocks one after the other differs by microseconds); above it they are a jump.
 */
export const DEFAULT_JUMP_TOLERANCE_MS = 2_000;

/**
 * An epoch-ms timeline that advances only with the monotonic clock: it starts at the wall
 * time of its creation and never jumps. Windowing, retry times and exam time run on it, so
 * a wall clock set forward an hour produces no burst of empty windows, and one set back an
 * hour neither stalls scoring nor the outbox. Records keep the wall time (`wall()`).
 *
 * `checkJump()` compares the two: when the wall clock moved more than the tolerance
 * further (or less far) than the monotonic one since the last check, it returns the jump
 * once. A suspended computer reads as a forward jump too where the monotonic clock stops
 * during sleep (Linux, macOS): the two cannot be told apart from inside the process.
 */
export class SteadyTimeline {
  private readonly anchorWall: number;
  private readonly anchorMono: number;
  /** wall - steady at the last check; a jump changes it. */
  private skew = 0;
  /** The furthest the wall clock has been seen ahead of this timeline (>= 0). */
  private maxAhead = 0;

  constructor(
    private readonly clock: Clock,
    private readonly toleranceMs = DEFAULT_JUMP_TOLERANCE_MS,
  ) {
    this.anchorWall = clock.now();
    this.anchorMono = monotonicNow(clock);
  }

  /** Epoch-ms that never jumps. */
  now(): number {
    return this.anchorWall + (monotonicNow(this.clock) - this.anchorMono);
  }

  /**
   * The later of this timeline and every wall reading seen so far, advancing with the
   * monotonic clock: it never goes back and is never behind the wall clock. Due times that
   * are compared with wall times written by others (an outbox row's creation time) use it,
   * so neither a jump back (no stall) nor a jump forward (rows due at once) strands them.
   */
  notBeforeWall(): number {
    const steady = this.now();
    this.maxAhead = Math.max(this.maxAhead, this.clock.now() - steady);
    return steady + this.maxAhead;
  }

  /** The wall clock, for what records say. */
  wall(): number {
    return this.clock.now();
  }

  /** How far the wall clock is from this timeline now (positive: the wall is ahead). */
  currentSkew(): number {
    return this.clock.now() - this.now();
  }

  /** The jump since the last check, or null when the wall clock kept pace. */
  checkJump(): ClockJump | null {
    const steady = this.now();
    const wall = this.clock.now();
    const skew = wall - steady;
    const sizeMs = skew - this.skew;
    if (Math.abs(sizeMs) <= this.toleranceMs) return null;
    this.skew = skew;
    return { from: steady + (skew - sizeMs), to: wall, sizeMs };
  }
}
