import { FEATURE_NAMES } from '../contract/flag-file';
import type { ClassifierWeights } from '../contract/policy';
import type { FeatureName } from './detectors/detector';

export interface Classification {
  /** Weighted mean of the present features, 0..1. */
  featureProbability: number;
  /** Share of the total policy weight whose features had input, 0..1. */
  coverage: number;
  effectiveWeights: Record<FeatureName, number>;
}

/**
 * The seed's 8-feature weighted classifier. Absent features (null: no input, e.g. voice
 * stress, or no baseline yet) are left out and the weights of the present ones are
 * renormalised; an absent feature is never given a value.
 */
export function classify(scores: Record<FeatureName, number | null>, weights: ClassifierWeights): Classification {
  let total = 0;
  let present = 0;
  let weighted = 0;
  for (const f of FEATURE_NAMES) {
    const w = weights[f];
    total += w;
    const s = scores[f];
    if (s === null) continue;
    present += w;
    weighted += w * s;
  }
  const effectiveWeights = {} as Record<FeatureName, number>;
  for (const f of FEATURE_NAMES) effectiveWeights[f] = scores[f] === null || present === 0 ? 0 : weights[f] / present;
  return {
    featureProbability: present > 0 ? weighted / present : 0,
    coverage: total > 0 ? present / total : 0,
    effectiveWeights,
  };
}

/**
 * Combines the classifier with fired patterns (noisy-OR): each finding of severity s
 * independently raises the probability by influence * s of what is left.
 */
export function combineWithPatterns(featureProbability: number, severities: readonly number[], influence: number): number {
  let keep = 1 - featureProbability;
  for (const s of severities) keep *= 1 - influence * s;
  const p = 1 - keep;
  return p < 0 ? 0 : p > 1 ? 1 : p;
}
