/** Index of the first value >= t in ascending `xs` (xs.length when there is none). */
export function lowerBound(xs: readonly number[], t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The strip as uPlot takes it: shared x (seconds), then one column per lane (its row number, or null). */
export type StripData = [number[], ...(number | null)[][]];

/**
 * The marker strip's data for the stretch [min, max] (ms) drawn `columns` pixels wide: in
 * each lane, the first marker of every pixel column, at its own time. The strip cannot show
 * two markers of one lane in one pixel, and a three-hour exam autosaves ~43,000 times:
 * drawing every one cost more than the rest of the page. Zooming in asks again, so every
 * marker is drawn once there is room for it. Lane i sits on row lanes.length - i (top first).
 */
export function markerStripData(lanes: readonly { at: readonly number[] }[], min: number, max: number, columns: number): StripData {
  const span = max - min;
  const width = Math.max(1, Math.round(columns));
  const picked: { t: number; lane: number }[] = [];
  lanes.forEach((lane, li) => {
    let lastColumn = -1;
    for (let i = lowerBound(lane.at, min); i < lane.at.length && lane.at[i]! <= max; i++) {
      const t = lane.at[i]!;
      const column = span > 0 ? Math.min(width - 1, Math.floor(((t - min) / span) * width)) : 0;
      if (column === lastColumn) continue;
      lastColumn = column;
      picked.push({ t, lane: li });
    }
  });
  picked.sort((a, b) => a.t - b.t);
  const xs: number[] = [];
  const rows: (number | null)[][] = lanes.map(() => []);
  for (const p of picked) {
    if (xs.length === 0 || xs[xs.length - 1] !== p.t / 1000) {
      xs.push(p.t / 1000);
      for (const r of rows) r.push(null);
    }
    rows[p.lane]![xs.length - 1] = lanes.length - p.lane;
  }
  return [xs, ...rows];
}

/** The marker nearest to `t` (ms) in ascending `at`, if one is within `tolerance` ms. */
export function nearestMarker(at: readonly number[], t: number, tolerance: number): { index: number; distance: number } | null {
  const i = lowerBound(at, t);
  let best: { index: number; distance: number } | null = null;
  for (const j of [i - 1, i]) {
    if (j < 0 || j >= at.length) continue;
    const distance = Math.abs(at[j]! - t);
    if (distance <= tolerance && (!best || distance < best.distance)) best = { index: j, distance };
  }
  return best;
}
