import { describe, expect, it } from 'vitest';
import { firstCloseDelay } from '../../../src-server/window-phase';

describe('firstCloseDelay (streamed windows close at a phase drawn from the attempt id)', () => {
  const ids = Array.from({ length: 1000 }, (_, i) => `session-${i.toString(36)}-${(i * 7919).toString(16)}`);

  it('puts every first close between half a window and one and a half windows away', () => {
    for (const [i, id] of ids.entries()) {
      const d = firstCloseDelay(id, 1_700_000_000_000 + i * 13, 5000);
      expect(d).toBeGreaterThanOrEqual(2500);
      expect(d).toBeLessThan(7500);
    }
  });

  it('gives one attempt the same phase whenever it connects', () => {
    const phase = (now: number) => (now + firstCloseDelay('attempt-a', now, 5000)) % 5000;
    expect(new Set([0, 1, 1234, 4999, 5000, 98_765].map(phase)).size).toBe(1);
  });

  it('spreads 1,000 attempts that connect in the same millisecond over the cycle', () => {
    const now = 1_700_000_000_000;
    const perSecond = [0, 0, 0, 0, 0];
    for (const id of ids) perSecond[Math.floor(((now + firstCloseDelay(id, now, 5000)) % 5000) / 1000)]!++;
    // Uniform would be 200 a second; a burst would put them all in one.
    for (const n of perSecond) {
      expect(n).toBeGreaterThan(140);
      expect(n).toBeLessThan(260);
    }
  });
});
