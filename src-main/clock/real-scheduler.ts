import type { Scheduler } from '../contract/clock';

/**
 * The wall-clock Scheduler. Timers are unref'd: a pending retry or poll never keeps the
 * process alive on its own (the app's window and the CLI decide when to exit).
 */
export function createRealScheduler(): Scheduler {
  return {
    now: () => Date.now(),
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
