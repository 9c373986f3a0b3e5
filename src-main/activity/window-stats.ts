/** Mean and population standard deviation (as numpy's default `std`, which the seed used). */
export interface MeanStd {
  mean: number;
  std: number;
}

/** An empty list has mean 0 and std 0: the package's count fields say there was no data. */
export function meanStd(values: readonly number[]): MeanStd {
  if (values.length === 0) return { mean: 0, std: 0 };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let sq = 0;
  for (const v of values) sq += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(sq / values.length) };
}

/** Mean, or null when there is nothing to average (a window with no system sample). */
export function meanOrNull(values: readonly number[]): number | null {
  return values.length === 0 ? null : meanStd(values).mean;
}
