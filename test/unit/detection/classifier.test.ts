import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../../src-main/contract/policy';
import { classify, combineWithPatterns } from '../../../src-main/detection/classifier';
import { levelFor } from '../../../src-main/detection/risk-levels';

const weights = defaultPolicy().classifier.weights;
const thresholds = defaultPolicy().classifier.thresholds;
const none = {
  keystroke_anomaly: null,
  network_activity: null,
  focus_anomaly: null,
  app_switching: null,
  cpu_activity: null,
  voice_stress: null,
  keystroke_errors: null,
  mouse_inactivity: null,
};

describe('classifier', () => {
  it('uses the seed weights and renormalises over present features (voice absent)', () => {
    const all = { ...none, keystroke_anomaly: 1, network_activity: 0, focus_anomaly: 0, app_switching: 0, cpu_activity: 0, keystroke_errors: 0, mouse_inactivity: 0 };
    const c = classify(all, weights);
    expect(c.coverage).toBeCloseTo(0.9);
    expect(c.featureProbability).toBeCloseTo(0.25 / 0.9);
    expect(c.effectiveWeights.voice_stress).toBe(0);
    expect(c.effectiveWeights.network_activity).toBeCloseTo(0.25 / 0.9);
  });

  it('gives no probability and no coverage when nothing is measured, instead of inventing values', () => {
    const c = classify(none, weights);
    expect(c).toMatchObject({ featureProbability: 0, coverage: 0 });
  });

  it('keystroke-only evidence is renormalised over the keystroke-side features', () => {
    const c = classify({ ...none, keystroke_anomaly: 1, keystroke_errors: 1, focus_anomaly: 0, app_switching: 0, mouse_inactivity: 0 }, weights);
    expect(c.featureProbability).toBeCloseTo(0.3 / 0.57);
    expect(c.coverage).toBeCloseTo(0.57);
  });

  it('combines patterns as a noisy-OR', () => {
    expect(combineWithPatterns(0.5, [], 0.8)).toBe(0.5);
    expect(combineWithPatterns(0.5, [1], 0.8)).toBeCloseTo(0.9);
    expect(combineWithPatterns(0, [0.5, 0.5], 0.8)).toBeCloseTo(1 - 0.6 * 0.6);
  });
});

describe('levels', () => {
  it.each([
    [0.81, 'critical'],
    [0.8, 'high'],
    [0.65, 'high'],
    [0.64, 'medium'],
    [0.45, 'medium'],
    [0.3, 'low'],
    [0.25, 'low'],
    [0.2499, 'clean'],
    [0, 'clean'],
  ])('%f is %s', (p, level) => expect(levelFor(p, thresholds)).toBe(level));
});
