// Rank statistics of the typist model (typist-model.ts): where a value falls in an enrolled
// sorted sample, and how a large enrolment is kept small.

/** Signed mid-rank 2u - 1 of x in a sorted sample, u smoothed away from 0 and 1. */
export function signedRank(sorted: readonly number[], x: number): number {
  const below = lowerBound(sorted, x);
  const notAbove = upperBound(sorted, x);
  const u = (below + 0.5 * (notAbove - below) + 0.5) / (sorted.length + 1);
  return 2 * u - 1;
}

function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Evenly spaced order statistics of a sorted list, so large enrolments stay small. */
export function thin(sorted: number[], max: number): number[] {
  if (sorted.length <= max) return sorted;
  const out: number[] = [];
  for (let i = 0; i < max; i++) {
    out.push(sorted[Math.round((i * (sorted.length - 1)) / (max - 1))]!);
  }
  return out;
}
