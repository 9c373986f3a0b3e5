import { describe, expect, it } from 'vitest';
import { checkPackage } from '../../../src-main/detection/input-validation';
import { makePackage } from './package-factory';

describe('checkPackage', () => {
  it('passes a good package through untouched, without copying its keystrokes', () => {
    const p = makePackage(3, { keystrokes: [{ category: 'letter', zone: 2, down: 1_015_000, up: 1_015_090 }], keystrokeCount: 1 });
    const r = checkPackage(p, 1_014_000);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.issues).toEqual([]);
    expect(r.bad).toEqual({});
    expect(r.pkg.keystrokes).toBe(p.keystrokes);
  });

  it.each([
    ['not an object', 42, /not an object/],
    ['missing timing', { ...makePackage(0), endedAt: undefined }, /startedAt\/endedAt missing/],
    ['NaN timing', { ...makePackage(0), startedAt: Number.NaN }, /not finite/],
    ['negative duration', { ...makePackage(0), endedAt: 0 }, /duration -1000000 ms is not positive/],
    ['absurd duration', { ...makePackage(0), endedAt: 1e13 }, /exceeds 600000 ms/],
    ['missing sequence', { ...makePackage(0), sequence: undefined }, /sequence missing/],
  ])('rejects %s', (_, pkg, why) => {
    const r = checkPackage(pkg, undefined);
    expect(r.ok).toBe(false);
    expect(r.issues.join(' ')).toMatch(why);
  });

  it('rejects a package that ends before the previous one', () => {
    const r = checkPackage(makePackage(0), 2_000_000);
    expect(r).toEqual({ ok: false, issues: ['rejected: out of order, ends at 1005000 but the previous package ended at 2000000'] });
  });

  it('repairs and marks bad values with a reason for each', () => {
    const p = {
      ...makePackage(0),
      meanDwellMs: Number.NaN,
      stdFlightMs: -4,
      focusLosses: undefined,
      unfocusedMs: 9_000,
      backspaceRatio: 1.5,
      cpuLoadPercent: 250,
      netTxBytesPerSec: Number.POSITIVE_INFINITY,
    };
    const r = checkPackage(p, undefined);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.bad).toEqual({
      meanDwellMs: true,
      stdFlightMs: true,
      focusLosses: true,
      unfocusedMs: true,
      backspaceRatio: true,
      cpuLoadPercent: true,
      netTxBytesPerSec: true,
    });
    expect(r.pkg).toMatchObject({ meanDwellMs: 0, stdFlightMs: 0, focusLosses: 0, unfocusedMs: 5000, backspaceRatio: 0, cpuLoadPercent: null, netTxBytesPerSec: null });
    expect(r.issues).toHaveLength(7);
    expect(r.issues).toContain('meanDwellMs NaN replaced by 0 and ignored');
    expect(r.issues).toContain('focusLosses (missing) replaced by 0 and ignored');
    expect(r.issues).toContain('unfocusedMs 9000 ms longer than the 5000 ms window, clamped and ignored');
  });

  it('drops impossible keystrokes and sorts out-of-order ones', () => {
    const ks = [
      { category: 'letter', zone: 1, down: 300, up: 350 },
      { category: 'letter', zone: 1, down: 100, up: 90 }, // released before pressed
      { category: 'letter', zone: 1, down: 200, up: 260 },
      { category: 'telepathy', zone: 1, down: 210, up: 260 },
      { category: 'letter', zone: 1, down: 220, up: 60_000 }, // held a minute
    ];
    const r = checkPackage({ ...makePackage(0), keystrokes: ks }, undefined);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.pkg.keystrokes.map((k) => k.down)).toEqual([200, 300]);
    expect(r.bad.keystrokes).toBe(true);
    expect(r.issues).toEqual([
      '3 keystroke sample(s) with missing, negative or absurd timing dropped',
      'keystroke samples out of time order, sorted by press time',
    ]);
  });

  it('drops keystrokes whose zone is not one of the contract zones 0..15', () => {
    // Each odd zone would become a new key unit in the typist model's per-session tables.
    const ks = [3.5, -1, 16, 1e9, Number.NaN, 15, 0].map((zone, i) => ({ category: 'letter', zone, down: 100 + 10 * i, up: 150 + 10 * i }));
    const r = checkPackage({ ...makePackage(0), keystrokes: ks }, undefined);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.pkg.keystrokes.map((k) => k.zone)).toEqual([15, 0]);
    expect(r.bad.keystrokes).toBe(true);
  });
});
