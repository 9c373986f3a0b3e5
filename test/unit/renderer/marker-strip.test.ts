import { describe, expect, it } from 'vitest';
import { lowerBound, markerStripData, nearestMarker } from '../../../src-renderer/review/marker-strip';

describe('marker strip data', () => {
  it('keeps the first marker of each pixel column per lane, at its own time', () => {
    // 0..1000 ms over 10 columns: a column is 100 ms.
    const lanes = [{ at: [0, 10, 50, 120, 999] }, { at: [10, 500, 510] }];
    const [xs, top, bottom] = markerStripData(lanes, 0, 1000, 10);
    expect(xs).toEqual([0, 0.01, 0.12, 0.5, 0.999]);
    expect(top).toEqual([2, null, 2, null, 2]);
    expect(bottom).toEqual([null, 1, null, 1, null]);
  });

  it('draws no more markers than columns, however many saves there are', () => {
    const at = Array.from({ length: 43_000 }, (_, i) => i * 250);
    const [xs, lane] = markerStripData([{ at }], 0, at.at(-1)!, 1200);
    expect(xs.length).toBeLessThanOrEqual(1200);
    expect(xs.length).toBeGreaterThan(1150);
    expect(lane!.every((v) => v === 1)).toBe(true);
  });

  it('zoomed in, shows every marker of the stretch and none outside it', () => {
    const at = Array.from({ length: 43_000 }, (_, i) => i * 250);
    const [xs] = markerStripData([{ at }], 10_000, 20_000, 1200);
    expect(xs).toEqual(at.filter((t) => t >= 10_000 && t <= 20_000).map((t) => t / 1000));
  });

  it('finds the nearest marker within the tolerance, and none beyond it', () => {
    expect(lowerBound([1, 3, 3, 7], 3)).toBe(1);
    expect(lowerBound([1, 3], 9)).toBe(2);
    expect(nearestMarker([100, 200, 300], 240, 50)).toEqual({ index: 1, distance: 40 });
    expect(nearestMarker([100, 200, 300], 260, 50)).toEqual({ index: 2, distance: 40 });
    expect(nearestMarker([100, 200, 300], 150, 10)).toBeNull();
    expect(nearestMarker([], 150, 10)).toBeNull();
  });
});
