import { describe, expect, it } from 'vitest';
import { fullJitterDelay } from '../../../src-main/upload/backoff';

describe('fullJitterDelay', () => {
  const opts = (r: number) => ({ baseMs: 1000, maxMs: 30_000, random: () => r });

  it('doubles the window with each failure, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => fullJitterDelay(n, opts(0.999999)))).toEqual([999, 1999, 3999, 7999, 15_999, 29_999, 29_999]);
  });

  it('spreads uniformly from zero', () => {
    expect(fullJitterDelay(4, opts(0))).toBe(0);
    expect(fullJitterDelay(4, opts(0.5))).toBe(4000);
  });

  it('survives absurd failure counts and random values', () => {
    expect(fullJitterDelay(10_000, opts(0.5))).toBe(15_000);
    expect(fullJitterDelay(3, opts(7))).toBe(4000);
    expect(fullJitterDelay(0, opts(0.5))).toBe(500);
  });
});
