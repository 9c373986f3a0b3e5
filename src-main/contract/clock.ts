/**
 * Time is a port: every module that needs it takes a Clock, so tests replay hours of
 * activity in milliseconds and detection stays deterministic.
 */
export interface Clock {
  /** Milliseconds, epoch for the real clock, any monotonic timeline for replays. */
  now(): number;
}

/** A Clock that can also schedule, for the modules that act on their own (windowing, upload). */
export interface Scheduler extends Clock {
  /** Runs `fn` every `ms`; the returned function cancels. */
  every(ms: number, fn: () => void): () => void;
  /** Runs `fn` once after `ms`; the returned function cancels. */
  after(ms: number, fn: () => void): () => void;
}
