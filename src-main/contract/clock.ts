/**
 * Time is a port: every module that needs it takes a Clock, so tests replay hours of
 * activity in milliseconds and detection stays deterministic.
 */
export interface Clock {
  /** Milliseconds, epoch for the real clock, any monotonic timeline for replays. Wall time: for records. */
  now(): number;
  /**
   * Milliseconds on a clock that is never set (performance.now / process.hrtime): arbitrary
   * origin, only differences mean anything. What schedules, windows and measures durations
   * uses this, so a wall clock set forward or back by an hour changes none of them. Absent
   * on clocks whose now() cannot jump (replays, virtual time): now() then serves for both.
   */
  monotonic?(): number;
}

/** A Scheduler whose timers run on the monotonic clock (Node's timers do: libuv uses it). */
export interface Scheduler extends Clock {
  /** Runs `fn` every `ms`; the returned function cancels. */
  every(ms: number, fn: () => void): () => void;
  /** Runs `fn` once after `ms`; the returned function cancels. */
  after(ms: number, fn: () => void): () => void;
}

/** The wall clock was set (or the computer slept): it moved `sizeMs` more than the monotonic clock did. */
export interface ClockJump {
  /** Wall time the clock would have shown had it not jumped (epoch ms). */
  from: number;
  /** Wall time it showed instead. */
  to: number;
  /** to - from: positive forward, negative back. */
  sizeMs: number;
}

/** The clock's monotonic reading, or its now() when it has none. */
export const monotonicNow = (clock: Clock): number => (clock.monotonic ? clock.monotonic() : clock.now());
