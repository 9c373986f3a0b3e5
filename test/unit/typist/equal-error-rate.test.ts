import { describe, expect, it } from 'vitest';
import { equalErrorRate, fractionAbove } from '../../../src-main/detection/typist/equal-error-rate';

describe('equalErrorRate', () => {
  it('is 0 for perfectly separated scores, with a threshold between them', () => {
    const r = equalErrorRate([0, 1, 2], [3, 4, 5]);
    expect(r.eer).toBe(0);
    expect(r.threshold).toBeGreaterThanOrEqual(2);
    expect(r.threshold).toBeLessThan(3);
  });

  it('is 1 when every impostor scores below every genuine window', () => {
    expect(equalErrorRate([3, 4, 5], [0, 1, 2]).eer).toBe(1);
  });

  it('finds the crossing point of overlapping scores', () => {
    // Reject when score > 3: genuine 5 is rejected (FRR 1/4), impostor 2.5 passes (FAR 1/4).
    expect(equalErrorRate([1, 2, 3, 5], [2.5, 4, 6, 7]).eer).toBeCloseTo(0.25, 10);
  });

  it('returns NaN without both kinds of scores', () => {
    expect(equalErrorRate([], [1]).eer).toBeNaN();
  });

  it('fractionAbove counts strictly greater scores', () => {
    expect(fractionAbove([1, 2, 3, 4], 2)).toBe(0.5);
  });
});
