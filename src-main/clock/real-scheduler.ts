import type { Scheduler } from '../contract/clock';

/**
 * The real Scheduler: now() is the wall clock (for records), monotonic() is
 * performance.now(), which no one can set, and Node's timers run on the monotonic clock too.
 * Timers are unref'd: a pending retry or poll never keeps the
 * process alive on its own (the app's window and the CLI decide when to exit).
 */
export function createRealScheduler(): Scheduler {
  return {
    now: () => Date.now(),
    monotonic: () => performance.now(),
    every(ms, fn) {
      const timer = setInterval(fn, ms);
      timer.unref();
      return () => clearInterval(timer);
    },
    after(ms, fn) {
      const timer = setTimeout(fn, ms);
      timer.unref();
      return () => clearTimeout(timer);
    },
  };
}
