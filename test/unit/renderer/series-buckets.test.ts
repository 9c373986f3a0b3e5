import { describe, expect, it } from 'vitest';
import { bucketLines, type LineData } from '../../../src-renderer/review/series-buckets';

/** A noisy three-hour series, one point a second, with spikes and a run of nulls. */
function noisy(n: number): LineData {
  const xs: number[] = [];
  const a: (number | null)[] = [];
  const b: (number | null)[] = [];
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < n; i++) {
    xs.push(1000 + i);
    a.push(i % 900 === 450 ? 100 : Math.round(rnd() * 30));
    b.push(i < 300 || (i >= 5000 && i < 5003) ? null : rnd());
  }
  return [xs, a, b];
}

/** Per pixel column over [min, max]: the lowest and highest value of each series, and the first and last x. */
function columns(data: LineData, min: number, max: number, width: number) {
  const out = new Map<number, { lo: number[]; hi: number[]; first: number; last: number }>();
  data[0].forEach((x, i) => {
    if (x < min || x > max) return;
    const c = Math.min(width - 1, Math.floor(((x - min) / (max - min)) * width));
    const col = out.get(c) ?? { lo: data.slice(1).map(() => Infinity), hi: data.slice(1).map(() => -Infinity), first: x, last: x };
    col.last = x;
    data.slice(1).forEach((ys, s) => {
      const v = ys[i];
      if (v === null || v === undefined) return;
      col.lo[s] = Math.min(col.lo[s]!, v);
      col.hi[s] = Math.max(col.hi[s]!, v);
    });
    out.set(c, col);
  });
  return out;
}

describe('bucketLines', () => {
  it('keeps every pixel column’s span, first and last point of a long series, in far fewer points', () => {
    const data = noisy(10_800);
    const out = bucketLines(data, 1000, 11_800, 1000, new Set([1]));
    expect(out[0].length).toBeLessThan(data[0].length / 2);
    expect(out[0].length).toBeLessThanOrEqual(6 * 1000 + 20);
    expect([...out[0]].sort((p, q) => p - q)).toEqual(out[0]);
    expect(columns(out, 1000, 11_800, 1000)).toEqual(columns(data, 1000, 11_800, 1000));
    // every spike survives
    expect(out[1]!.filter((v) => v === 100).length).toBe(data[1]!.filter((v) => v === 100).length);
  });

  it('keeps the gaps of a series drawn without spanning nulls', () => {
    const data = noisy(10_800);
    const out = bucketLines(data, 1000, 11_800, 1000, new Set([1]));
    const runs = (ys: (number | null)[]) => ys.filter((v, i) => i > 0 && (v === null) !== (ys[i - 1] === null)).length;
    expect(runs(out[2]!)).toBe(runs(data[2]!));
    expect(out[0][out[2]!.indexOf(null)]).toBe(1000);
    expect(out[2]!.slice(out[0].indexOf(6000), out[0].indexOf(6003) + 1).some((v) => v === null)).toBe(true);
  });

  it('keeps the points of a zoomed stretch and one point either side for the lines to reach the edges', () => {
    const data = noisy(10_800);
    const out = bucketLines(data, 5000, 5200, 1000);
    expect(out[0]).toEqual(data[0].filter((x) => x >= 4999 && x <= 5201));
    expect(out[1]).toEqual(data[1]!.slice(3999, 4202));
  });

  it('hands a short series back whole (the live view’s few packages)', () => {
    const data: LineData = [[1, 2, 3], [5, null, 7], [0.1, 0.2, null]];
    expect(bucketLines(data, 1, 3, 800)).toBe(data);
    expect(bucketLines([[], [], []], 0, 10, 800)).toEqual([[], [], []]);
  });
});
