import { describe, expect, it } from 'vitest';
import type { KeystrokeSample } from '../../../src-main/contract/activity';
import {
  enrollTypist,
  scoreTypist,
  TYPIST_DECISION_THRESHOLD,
  type TypistProfile,
} from '../../../src-main/detection/typist/typist-model';
import { syntheticTypist } from './synthetic-typist';

const alice = syntheticTypist(1);
// Bob types a little slower and holds keys shorter: the model sees letter/space/backspace/
// shift categories only, never which letter, so rhythm must show at that level.
const bob = syntheticTypist(2, 1.15, 0.8);

function windows(typist: ReturnType<typeof syntheticTypist>, count: number, length: number, seed: number) {
  return Array.from({ length: count }, (_, i) => typist.type(length, seed + i, 5_000_000 + i * 100_000));
}

describe('typist model', () => {
  const profile = enrollTypist(alice.type(600, 1));

  it('separates two typists with different rhythms', () => {
    const own = windows(alice, 40, 50, 100).map((w) => scoreTypist(profile, w));
    const other = windows(bob, 40, 50, 100).map((w) => scoreTypist(profile, w));
    const maxOwn = Math.max(...own);
    // Every impostor window scores above every genuine one; nearly all pass the threshold.
    expect(Math.min(...other)).toBeGreaterThan(maxOwn);
    expect(other.filter((s) => s > TYPIST_DECISION_THRESHOLD).length).toBeGreaterThanOrEqual(36);
    expect(own.filter((s) => s > TYPIST_DECISION_THRESHOLD).length).toBeLessThanOrEqual(2);
  });

  it('is stable for the same typist: genuine scores look like N(0, 1)', () => {
    const own = windows(alice, 200, 50, 1000).map((w) => scoreTypist(profile, w));
    const mean = own.reduce((a, b) => a + b, 0) / own.length;
    expect(Math.abs(mean)).toBeLessThan(1);
    expect(own.filter((s) => s > TYPIST_DECISION_THRESHOLD).length / own.length).toBeLessThan(0.05);
  });

  it('grows with evidence: a longer impostor window scores higher', () => {
    const short = scoreTypist(profile, bob.type(25, 7));
    const long = scoreTypist(profile, bob.type(400, 7));
    expect(long).toBeGreaterThan(short);
  });

  it('detects a merely slower version of the same rhythm', () => {
    const slowAlice = syntheticTypist(1, 1.25);
    expect(scoreTypist(profile, slowAlice.type(100, 3))).toBeGreaterThan(TYPIST_DECISION_THRESHOLD);
  });

  it('handles tiny and degenerate windows without NaN', () => {
    const one: KeystrokeSample = { category: 'letter', zone: 3, down: 10, up: 90 };
    const cases: KeystrokeSample[][] = [
      [],
      [one],
      [one, { ...one, down: 10, up: 10 }],
      [{ ...one, down: Number.NaN }, { ...one, up: Number.POSITIVE_INFINITY }],
      [{ ...one, up: 0 }, { ...one, down: 5_000, up: 4_000 }], // negative dwells
      Array.from({ length: 10 }, () => ({ ...one })), // identical timestamps
      bob.type(10, 5).reverse(), // out of order
      [{ ...one, down: 0, up: 1e12 }, { ...one, down: 1e12, up: 1e12 + 50 }], // absurd spans
    ];
    for (const w of cases) {
      const s = scoreTypist(profile, w);
      expect(Number.isFinite(s)).toBe(true);
    }
    expect(scoreTypist(profile, [])).toBe(0);
  });

  it('enrols on degenerate input and still scores finitely', () => {
    const empty = enrollTypist([]);
    expect(scoreTypist(empty, alice.type(50, 9))).toBe(0);
    const tiny = enrollTypist(alice.type(3, 9));
    expect(Number.isFinite(scoreTypist(tiny, alice.type(50, 9)))).toBe(true);
  });

  it('is order-insensitive for input order and deterministic', () => {
    const w = bob.type(60, 11);
    const shuffled = [...w].sort((a, b) => (a.zone * 7919 + a.down) % 13 - (b.zone * 7919 + b.down) % 13);
    expect(scoreTypist(profile, shuffled)).toBeCloseTo(scoreTypist(profile, w), 10);
    expect(scoreTypist(profile, w)).toBe(scoreTypist(profile, w));
  });

  it('profiles are plain serialisable data that score the same after a JSON round trip', () => {
    const copy = JSON.parse(JSON.stringify(profile)) as TypistProfile;
    const w = bob.type(80, 12);
    expect(scoreTypist(copy, w)).toBe(scoreTypist(profile, w));
    expect(copy.version).toBe(1);
    expect(copy.keystrokes).toBe(600);
  });

  it('bounds the profile size at 5,000 enrolment keystrokes', () => {
    const big = enrollTypist(alice.type(5_000, 21));
    for (const values of Object.values(big.features)) expect(values.length).toBeLessThanOrEqual(400);
    expect(JSON.stringify(big).length).toBeLessThan(200_000);
  });

  it('scores a 50-key window well under a millisecond', () => {
    const w = bob.type(50, 13);
    scoreTypist(profile, w); // warm up (compiles the profile's routes)
    const runs = 2_000;
    const started = performance.now();
    for (let i = 0; i < runs; i++) scoreTypist(profile, w);
    const perWindowMs = (performance.now() - started) / runs;
    expect(perWindowMs).toBeLessThan(1);
  });
});
