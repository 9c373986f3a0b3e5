import type { KeystrokeSample } from '../../contract/activity';
import { extractObservations, orderKeys, type ObservationKind, type TimedKey } from './timing-events';

/**
 * Typist model for biometric drift: enrol on a student's first keystrokes, then score how
 * unlike that typist a later window is.
 *
 * Method (instance-based, rank statistics): enrolment keeps, for every timing feature (dwell
 * of a zone, press-to-press latency and flight of a zone pair, with coarser fall-backs),
 * the sorted enrolled values. Each probe observation is placed in the enrolled distribution
 * of the most specific feature that has enough enrolled values, giving a two-sided tail
 * probability p; -ln p is Exp(1) for the enrolled typist whatever the feature's scale, so
 * no per-feature scaling has to be guessed. The window score is the weighted mean surprise,
 * centred on its genuine value and multiplied by sqrt(observations): about N(0, 1) for the
 * enrolled typist at any window length, growing with length for anyone else. That is why a
 * single threshold serves windows of 10 to 500 keys.
 */
export interface TypistProfile {
  version: 1;
  /** Keystrokes used at enrolment. */
  keystrokes: number;
  /** Feature name -> enrolled values, sorted ascending (ms, rounded to 0.1). */
  features: Record<string, number[]>;
}

/** Tuning knobs; the defaults are what ships (chosen on half the dev users, see eval). */
export interface TypistModelOptions {
  /** A feature needs this many enrolled values before it is used instead of its fall-back. */
  minCount: number;
  /** Weight of each observation kind in the window's mean surprise. */
  weights: Record<ObservationKind, number>;
  /** Surprise of one observation is capped here (-ln p; 4.6 is p = 0.01). */
  maxSurprise: number;
  /** Mean surprise of the enrolled typist's own later windows (calibrated on dev data). */
  genuineMean: number;
  /** Spread of one observation's surprise for the enrolled typist (calibrated). */
  genuineSpread: number;
  /** Most values kept per feature (quantiles), bounding profile size at 5,000 keys. */
  maxValuesPerFeature: number;
}

export const DEFAULT_TYPIST_OPTIONS: TypistModelOptions = {
  minCount: 6,
  weights: { dwell: 1, latency: 1, flight: 1 },
  maxSurprise: 4.6,
  genuineMean: 1,
  genuineSpread: 1,
  maxValuesPerFeature: 400,
};

/**
 * Score above which a window is judged "not the enrolled typist". The score is a z-like
 * statistic, so this holds for every window length; see the eval report for its measured
 * false-alarm rate on dev data.
 */
export const TYPIST_DECISION_THRESHOLD = 3;

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
    for (const name of obs.names) {
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
  const { sum, weight } = surpriseTotals(profile, keys, options);
  if (weight <= 0) return 0; // no comparable timing: no evidence either way
  const mean = sum / weight;
  return ((mean - options.genuineMean) * Math.sqrt(weight)) / options.genuineSpread;
}

/** Weighted sum of capped surprises and the total weight (for scoring and calibration). */
export function surpriseTotals(
  profile: TypistProfile,
  keys: readonly TimedKey[],
  options: TypistModelOptions = DEFAULT_TYPIST_OPTIONS,
): { sum: number; weight: number } {
  let sum = 0;
  let weight = 0;
  for (const obs of extractObservations(orderKeys(keys))) {
    const w = options.weights[obs.kind];
    if (w <= 0) continue;
    const enrolled = pickFeature(profile, obs.names, options.minCount);
    if (!enrolled) continue;
    sum += w * Math.min(options.maxSurprise, surprise(enrolled, obs.value));
    weight += w;
  }
  return { sum, weight };
}

function pickFeature(profile: TypistProfile, names: readonly string[], minCount: number): number[] | null {
  for (let i = 0; i < names.length; i++) {
    const list = profile.features[names[i]!];
    // The global fall-back takes whatever there is, as long as ranks mean something.
    if (list && list.length >= (i === names.length - 1 ? 2 : minCount)) return list;
  }
  return null;
}

/** -ln of the two-sided tail probability of x in the sorted sample (mid-rank, smoothed). */
export function surprise(sorted: readonly number[], x: number): number {
  const below = lowerBound(sorted, x);
  const notAbove = upperBound(sorted, x);
  const u = (below + 0.5 * (notAbove - below) + 0.5) / (sorted.length + 1);
  return -Math.log(2 * Math.min(u, 1 - u));
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
function thin(sorted: number[], max: number): number[] {
  if (sorted.length <= max) return sorted;
  const out: number[] = [];
  for (let i = 0; i < max; i++) {
    out.push(sorted[Math.round((i * (sorted.length - 1)) / (max - 1))]!);
  }
  return out;
}
