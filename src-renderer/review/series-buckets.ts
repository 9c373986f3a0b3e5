import { lowerBound } from './marker-strip';

/** Lines as uPlot takes them: shared x (seconds, ascending), then one column per series. */
export type LineData = [number[], ...(number | null)[][]];

/** Below this many points per pixel column, every point is drawn. */
const POINTS_PER_COLUMN = 4;

/**
 * The points of `data` worth drawing over [min, max] (seconds) drawn `columns` pixels wide.
 * A three-hour exam scores ~11,000 activity windows, ten or more per pixel column, and
 * drawing every one in three lanes was most of what the page did after the data came. In
 * each pixel column this keeps the first and last point and, for every series, the points
 * with its lowest and highest value, so each column's line spans exactly what it spanned
 * before: peaks stay visible and a step keeps its height. For series in `gaps` (drawn
 * without spanning nulls) the first point of every run of nulls or of values is kept, so
 * a gap stays a gap. One point either side of the range is kept for the lines to reach the
 * edges. Zooming in asks again, so every point is drawn once there is room for it.
 */
export function bucketLines(data: LineData, min: number, max: number, columns: number, gaps: ReadonlySet<number> = new Set()): LineData {
  const [xs, ...series] = data;
  const from = Math.max(0, lowerBound(xs, min) - 1);
  const end = lowerBound(xs, max);
  const to = Math.min(xs.length, end + (xs[end] === max ? 2 : 1));
  const width = Math.max(1, Math.round(columns));
  if (to - from <= POINTS_PER_COLUMN * width) return from === 0 && to === xs.length ? data : pick(data, range(from, to));

  const span = max - min;
  const keep: number[] = [];
  let column = Number.NaN;
  let lo: number[] = [];
  let hi: number[] = [];
  let first = -1;
  let last = -1;
  const flush = (): void => {
    if (first < 0) return;
    const inColumn = [first, last];
    for (let s = 0; s < series.length; s++) {
      if (lo[s]! >= 0) inColumn.push(lo[s]!, hi[s]!);
    }
    inColumn.sort((a, b) => a - b);
    for (const i of inColumn) if (keep[keep.length - 1] !== i) keep.push(i);
  };
  for (let i = from; i < to; i++) {
    const x = xs[i]!;
    const c = x < min ? -1 : x > max ? width : span > 0 ? Math.min(width - 1, Math.floor(((x - min) / span) * width)) : 0;
    if (c !== column) {
      flush();
      column = c;
      first = i;
      lo = series.map(() => -1);
      hi = series.map(() => -1);
    }
    last = i;
    for (let s = 0; s < series.length; s++) {
      const v = series[s]![i];
      if (v === null || v === undefined) continue;
      if (lo[s]! < 0 || v < series[s]![lo[s]!]!) lo[s] = i;
      if (hi[s]! < 0 || v > series[s]![hi[s]!]!) hi[s] = i;
    }
  }
  flush();
  // A gap (or the end of one) inside a column would be drawn over by the kept points around it.
  if (gaps.size > 0) {
    const edges: number[] = [];
    for (const s of gaps) {
      const ys = series[s]!;
      for (let i = from + 1; i < to; i++) if ((ys[i] === null) !== (ys[i - 1] === null)) edges.push(i);
    }
    if (edges.length > 0) return pick(data, [...new Set([...keep, ...edges])].sort((a, b) => a - b));
  }
  return pick(data, keep);
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

function pick(data: LineData, indices: readonly number[]): LineData {
  return data.map((column) => indices.map((i) => column[i]!)) as LineData;
}
