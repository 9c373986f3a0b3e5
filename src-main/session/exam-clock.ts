import { monotonicNow, type Scheduler } from '../contract';

/**
 * The clock an attempt's deadline is judged on: the exam server's time, carried forward on
 * the monotonic clock from one reading of it. Setting the computer's clock back or forward
 * moves neither the deadline nor this clock; offline, the monotonic clock carries on.
 * Without a server reading the app's own wall clock at start stands in for it.
 */
export interface ExamClock {
  /** Epoch ms on the server's clock (estimated from the last reading). */
  now(): number;
  /** `serverTime` in the computer's wall-clock terms right now, for the page's countdown. */
  toWall(serverTime: number): number;
}

export function createExamClock(scheduler: Scheduler, reading?: { serverTime: number; monotonicAt: number }): ExamClock {
  const base = reading ?? { serverTime: scheduler.now(), monotonicAt: monotonicNow(scheduler) };
  const now = () => base.serverTime + (monotonicNow(scheduler) - base.monotonicAt);
  return { now, toWall: (serverTime) => scheduler.now() + (serverTime - now()) };
}
