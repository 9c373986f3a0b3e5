import type { KeystrokeSample } from '../../contract/activity';
import { compile, route } from './compiled-profile';
import { signedRank, thin } from './rank-statistics';
import { extractObservations, featureNames, orderKeys, type ObservationKind, type TimedKey } from './timing-events';

export { signedRank } from './rank-statistics';

/**
 * Typist model for biometric drift: enrol on a student's first keystrokes, then score how
 * unlike that typist a later window is.
 *
 * Method (instance-based, rank statistics): enrolment keeps, for every timing feature (dwell
 * of a zone, press-to-press latency and flight of a zone pair, with coarser fall-backs by
 * key category and overall), the sorted enrolled values. Each probe observation gets its
 * signed rank 2u - 1 in the enrolled distribution of the most specific feature with enough
 * enrolled values (and, with smaller weight, in the next coarser one and the overall one).
 * Per feature, the probe's mean signed rank is standardised with its Mann-Whitney variance,
 * so a consistent shift (this person is slower on this zone pair) adds up while scatter
 * cancels, and no per-feature scale has to be guessed. The window score is the weighted
 * chi-square of those shifts, centred and scaled by its calibrated genuine behaviour: near
 * N(0, 1) for the enrolled typist at any window length and growing with length for anyone
 * else, which is why one threshold serves windows of 10 to 500 keys.
 */
export interface TypistProfile {
  version: 1;
  /** Keystrokes used at enrolment. */
  keystrokes: number;
  /** Feature name -> enrolled values, sorted ascending (ms, rounded to 0.1). */
  features: Record<string, number[]>;
}

/** Tuning knobs; the defaults are what ships (chosen on dev users of group A, see eval). */
export interface TypistModelOptions {
  /** A feature needs this many enrolled values before it is used instead of its fall-back. */
  minCount: number;
  /** Weight of each observation kind. */
  weights: Record<ObservationKind, number>;
  /** Weight of also ranking each observation in the next coarser feature. */
  alsoParent: number;
  /** Weight of also ranking each observation in its kind's overall distribution (speed). */
  alsoGlobal: number;
  /**
   * Variance of a feature's mean signed rank that persists however long the window: the
   * same typist's rhythm drifts a little between enrolment and later. Without it, long
   * genuine windows look ever less genuine.
   */
  driftVariance: number;
  /**
   * Extra drift variance per missing 300 enrolment keys: a short enrolment (a sentence or
   * two, typed while warming up) represents the typist's later rhythm less well than its
   * count suggests. Added as shortEnrollVariance * max(0, 300 / keystrokes - 1).
   */
  shortEnrollVariance: number;
  /** Genuine chi-square per degree of freedom (calibrated on dev data, group A). */
  genuineMean: number;
  /** Genuine spread relative to a chi-square's sqrt(2 dof) (calibrated). */
  genuineSpread: number;
  /** Weight of the spread test (is the probe as scattered as the enrolment?) per feature. */
  spreadWeight: number;
  /** Most values kept per feature (quantiles), bounding profile size at 5,000 keys. */
  maxValuesPerFeature: number;
}

export const DEFAULT_TYPIST_OPTIONS: TypistModelOptions = {
  minCount: 3,
  weights: { dwell: 2, latency: 1, flight: 1 },
  alsoParent: 0.5,
  alsoGlobal: 1,
  driftVariance: 0.0025,
  shortEnrollVariance: 0.002,
  // Calibrated on group A's genuine windows of 10-400 keys after enrolments of 100 and 300
  // keys (eval protocol): genuine mean ~0 and sd ~1 at every length, on group B too.
  genuineMean: 1.045,
  genuineSpread: 2,
  spreadWeight: 1,
  maxValuesPerFeature: 400,
};

/**
 * Score above which a window is judged "not the enrolled typist". The score is z-like at
 * every window length (genuine mean ~0, sd ~1, tail a little heavier than normal), so one
 * threshold serves 10 to 500 keys: on dev data it flags about 1% of genuine windows (group
 * A, where it was chosen, and group B) for enrolments of 100 to 600 keys. A single window
 * over it is weak evidence; accumulate over windows before flagging a student.
 */
export const TYPIST_DECISION_THRESHOLD = 3.5;

/** Keystroke sample -> model key: category and zone only (the privacy boundary). */
export function sampleToTimedKey(s: KeystrokeSample): TimedKey {
  return { unit: `${s.category}${s.zone}`, group: s.category, down: s.down, up: s.up };
}

export function enrollTypist(samples: readonly KeystrokeSample[]): TypistProfile {
  return enrollTimedKeys(samples.map(sampleToTimedKey));
}

export function scoreTypist(profile: TypistProfile, samples: readonly KeystrokeSample[]): number {
  return scoreTimedKeys(profile, samples.map(sampleToTimedKey));
}

export function enrollTimedKeys(
  keys: readonly TimedKey[],
  options: TypistModelOptions = DEFAULT_TYPIST_OPTIONS,
): TypistProfile {
  const ordered = orderKeys(keys);
  const values = new Map<string, number[]>();
  for (const obs of extractObservations(ordered)) {
    for (const name of featureNames(obs)) {
      let list = values.get(name);
      if (!list) values.set(name, (list = []));
      list.push(Math.round(obs.value * 10) / 10);
    }
  }
  const features: Record<string, number[]> = {};
  for (const [name, list] of values) {
    list.sort((a, b) => a - b);
    features[name] = thin(list, options.maxValuesPerFeature);
  }
  return { version: 1, keystrokes: ordered.length, features };
}

export function scoreTimedKeys(
  profile: TypistProfile,
  keys: readonly TimedKey[],
  options: TypistModelOptions = DEFAULT_TYPIST_OPTIONS,
): number {
  const { chi, dof } = shiftStatistic(profile, keys, options);
  if (dof <= 0) return 0; // no comparable timing: no evidence either way
  return (chi - options.genuineMean * dof) / (options.genuineSpread * Math.sqrt(2 * dof));
}

/** Weighted chi-square of per-feature rank shifts and its degrees of freedom. */
export function shiftStatistic(
  profile: TypistProfile,
  keys: readonly TimedKey[],
  options: TypistModelOptions = DEFAULT_TYPIST_OPTIONS,
): { chi: number; dof: number } {
  const c = compile(profile, options);
  const touched: number[] = [];
  const observations = extractObservations(orderKeys(keys));
  const slotsSeen: (readonly number[])[] = observations.map((obs) => route(profile, c, obs));
  if (c.sums.length < c.slotValues.length) {
    c.sums = new Float64Array(c.slotValues.length * 2);
    c.spreads = new Float64Array(c.slotValues.length * 2);
    c.counts = new Float64Array(c.slotValues.length * 2);
  }
  const { sums, spreads, counts } = c;
  for (let i = 0; i < observations.length; i++) {
    const x = observations[i]!.value;
    for (const slot of slotsSeen[i]!) {
      if (counts[slot] === 0) touched.push(slot);
      const r = signedRank(c.slotValues[slot]!, x);
      sums[slot]! += r;
      spreads[slot]! += Math.abs(r);
      counts[slot]!++;
    }
  }
  const drift =
    options.driftVariance + options.shortEnrollVariance * Math.max(0, 300 / Math.max(1, profile.keystrokes) - 1);
  let chi = 0;
  let dof = 0;
  for (const slot of touched) {
    const k = counts[slot]!;
    const m = c.slotValues[slot]!.length;
    const weight = c.slotWeight[slot]!;
    // Mann-Whitney variance of a mean signed rank, k probe values against m enrolled ones:
    // (m + k + 1) / (3 m k). The enrolled sample is finite too, which matters for rare pairs.
    const mean = sums[slot]! / k;
    const variance = (m + k + 1) / (3 * m * k) + drift;
    chi += (weight * mean * mean) / variance;
    dof += weight;
    if (options.spreadWeight > 0) {
      // Spread: |2u - 1| is uniform on (0, 1) for the enrolled typist (mean 1/2, variance
      // 1/12); an erratic or unusually steady impostor moves its mean.
      const spread = spreads[slot]! / k - 0.5;
      // No drift term: unlike the typist's pace, their scatter stays put (calibrated).
      const spreadVariance = (1 / 12) * (1 / k + 1 / m);
      chi += (options.spreadWeight * weight * spread * spread) / spreadVariance;
      dof += options.spreadWeight * weight;
    }
    sums[slot] = 0;
    spreads[slot] = 0;
    counts[slot] = 0;
  }
  return { chi, dof };
}
