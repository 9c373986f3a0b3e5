/**
 * Equal-error rate of a verifier whose score is higher for impostors: the rate at the
 * threshold where rejecting genuine windows and accepting impostor windows are equally
 * likely. Computed exactly by sweeping every distinct score.
 */
export interface EqualErrorRate {
  eer: number;
  threshold: number;
}

export function equalErrorRate(genuine: readonly number[], impostor: readonly number[]): EqualErrorRate {
  if (genuine.length === 0 || impostor.length === 0) return { eer: Number.NaN, threshold: Number.NaN };
  const all = [...genuine.map((s) => ({ s, g: true })), ...impostor.map((s) => ({ s, g: false }))];
  all.sort((a, b) => a.s - b.s);
  // Threshold t: reject (call impostor) when score > t.
  let genuineAtOrBelow = 0;
  let impostorAtOrBelow = 0;
  let best: EqualErrorRate = { eer: 1, threshold: Number.NEGATIVE_INFINITY };
  let bestGap = Number.POSITIVE_INFINITY;
  const consider = (threshold: number): void => {
    const frr = 1 - genuineAtOrBelow / genuine.length;
    const far = impostorAtOrBelow / impostor.length;
    const gap = Math.abs(frr - far);
    if (gap < bestGap) {
      bestGap = gap;
      best = { eer: (frr + far) / 2, threshold };
    }
  };
  consider(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < all.length; ) {
    const s = all[i]!.s;
    while (i < all.length && all[i]!.s === s) {
      if (all[i]!.g) genuineAtOrBelow++;
      else impostorAtOrBelow++;
      i++;
    }
    consider(s);
  }
  return best;
}

/** Fraction of scores above a threshold. */
export function fractionAbove(scores: readonly number[], threshold: number): number {
  if (scores.length === 0) return Number.NaN;
  return scores.filter((s) => s > threshold).length / scores.length;
}
