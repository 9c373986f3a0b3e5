import { describe, expect, it } from 'vitest';
import { RateBudget } from '../../../src-main/clock/rate-budget';
import { JumpingScheduler } from './jumping-scheduler';

describe('RateBudget', () => {
  it('allows a burst, then the sustained rate, and says when to retry', () => {
    const clock = new JumpingScheduler();
    const budget = new RateBudget(clock, { perSecond: 10, burst: 5 });
    const first = Array.from({ length: 8 }, () => budget.take());
    expect(first).toEqual([true, true, true, true, true, false, false, false]);
    expect(budget.retryAfterMs()).toBe(100);
    clock.advance(100);
    expect(budget.take()).toBe(true);
    expect(budget.take()).toBe(false);
    clock.advance(10_000);
    expect(Array.from({ length: 6 }, () => budget.take()).filter(Boolean)).toHaveLength(5);
  });

  it('is not refilled by a wall clock set forward, nor emptied by one set back', () => {
    const clock = new JumpingScheduler();
    const budget = new RateBudget(clock, { perSecond: 1, burst: 1 });
    expect(budget.take()).toBe(true);
    clock.jumpWall(3_600_000);
    expect(budget.take()).toBe(false);
    clock.jumpWall(-7_200_000);
    clock.advance(1000);
    expect(budget.take()).toBe(true);
  });

  it('refuses a budget that could never allow a call', () => {
    expect(() => new RateBudget(new JumpingScheduler(), { perSecond: 0, burst: 1 })).toThrow(RangeError);
  });
});
