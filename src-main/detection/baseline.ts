/**
 * A per-student running baseline of one signal (Welford mean and variance).
 *
 * It learns every observation until it is ready (enough samples and enough exam time),
 * then only keeps learning from observations that are not unusual, so it follows an honest
 * student's slow drift without absorbing the anomaly it is meant to catch.
 */
export class Baseline {
  private n = 0;
  private mean = 0;
  private m2 = 0;

  constructor(
    private readonly minSamples: number,
    /** Floor on the standard deviation, in the signal's units: a flat baseline must not make every wobble "unusual". */
    private readonly minStd: number,
    private readonly zLimit: number,
  ) {}

  get count(): number {
    return this.n;
  }

  get average(): number {
    return this.mean;
  }

  get std(): number {
    const s = this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : 0;
    return s > this.minStd ? s : this.minStd;
  }

  ready(learningOver: boolean): boolean {
    return learningOver && this.n >= this.minSamples;
  }

  /** z-score of x against the baseline (0 while it has no samples). */
  z(x: number): number {
    return this.n === 0 ? 0 : (x - this.mean) / this.std;
  }

  /** State for a session snapshot: [count, mean, sum of squared deviations]. */
  save(): [number, number, number] {
    return [this.n, this.mean, this.m2];
  }

  load([n, mean, m2]: readonly [number, number, number]): void {
    if (!(Number.isInteger(n) && n >= 0 && Number.isFinite(mean) && Number.isFinite(m2) && m2 >= 0)) {
      throw new RangeError(`baseline state [${n}, ${mean}, ${m2}] is not valid`);
    }
    this.n = n;
    this.mean = mean;
    this.m2 = m2;
  }

  /** Learns x: always while learning, afterwards only when x is within zLimit. */
  observe(x: number, learningOver: boolean): void {
    if (!Number.isFinite(x)) return;
    if (this.ready(learningOver) && Math.abs(this.z(x)) > this.zLimit) return;
    this.n += 1;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }
}

/** Maps a z-score to 0..1: 0 at or below `from`, 1 at `to`. */
export function zToUnit(z: number, from: number, to: number): number {
  if (!(z > from)) return 0;
  return z >= to ? 1 : (z - from) / (to - from);
}

export const clampUnit = (x: number): number => (x <= 0 || Number.isNaN(x) ? 0 : x >= 1 ? 1 : x);

/** Rounds for explanations and evidence, so flag files stay short and readable. */
export const round = (x: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
