/**
 * "Full jitter" exponential backoff (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): a uniform delay in [0, min(max, base * 2^(failures-1))). Spreading retries
 * over the whole window keeps a classroom of clients from hammering a recovering server
 * in lockstep.
 */
export function fullJitterDelay(failures: number, opts: { baseMs: number; maxMs: number; random: () => number }): number {
  const exponent = Math.max(0, failures - 1);
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(exponent, 52));
  return Math.floor(Math.min(Math.max(opts.random(), 0), 1) * ceiling);
}
