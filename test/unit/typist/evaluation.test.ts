import { describe, expect, it } from 'vitest';
import { evaluateGroup, userGroup, type UserTyping } from '../../../src-main/detection/typist/evaluation';
import { enrollTimedKeys, sampleToTimedKey, scoreTimedKeys } from '../../../src-main/detection/typist/typist-model';
import { syntheticTypist } from './synthetic-typist';

function user(seed: number): UserTyping {
  const t = syntheticTypist(seed);
  const windows = Array.from({ length: 12 }, (_, i) => t.type(60, seed * 100 + i, 1_000_000 + i * 60_000).map(sampleToTimedKey));
  return { user: String(seed), windows };
}

describe('typist evaluation protocol', () => {
  it('splits users stably into two groups of similar size', () => {
    const ids = Array.from({ length: 400 }, (_, i) => String(i));
    const a = ids.filter((id) => userGroup(id) === 'A').length;
    expect(a).toBeGreaterThan(150);
    expect(a).toBeLessThan(250);
    expect(userGroup('5')).toBe(userGroup('5'));
  });

  it('measures a low EER on synthetic typists and a high one for a model that ignores timing', () => {
    const users = Array.from({ length: 12 }, (_, i) => user(i + 1));
    const options = { enrollKeys: 300, lengths: [25, 100], threshold: 3 };
    const real = evaluateGroup('synthetic', users, { enroll: (k) => enrollTimedKeys(k), score: scoreTimedKeys }, options);
    expect(real.users).toBe(12);
    const at100 = real.results.find((r) => r.length === 100)!;
    expect(at100.genuine).toBe(12 * 4); // 720 keys - 300 enrolled = 420 -> four 100-key probes
    expect(at100.impostor).toBe(12 * 11);
    expect(at100.eer).toBeLessThan(0.05);
    const blind = evaluateGroup('blind', users, { enroll: () => null, score: () => 0 }, options);
    expect(blind.results[0]!.eer).toBeGreaterThan(0.4);
  });
});
