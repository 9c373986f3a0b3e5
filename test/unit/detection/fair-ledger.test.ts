import { describe, expect, it } from 'vitest';
import { defaultPolicy, PolicySchema } from '../../../src-main/contract/policy';
import type { Departure } from '../../../src-main/contract/integrity';
import { departureCharge, prohibitedKey } from '../../../src-main/detection/departure-charge';
import { RiskLedger } from '../../../src-main/detection/risk-ledger';

const policy = defaultPolicy();
const leaving = policy.integrity.lockdown.leaving;
const away = (ms: number, target: Departure['target'] = { kind: 'unknown_app', name: 'firefox' }): Departure => ({ from: 0, to: ms, target, seenBy: ['page'] });
const never = () => false;

describe('departureCharge: what took focus, for how long', () => {
  it('time away scales the points of an unknown app: none under freeSeconds, all at fullPointsAfterSeconds', () => {
    const points = (ms: number) => departureCharge(away(ms), policy.ledger, leaving, never).opts.points;
    expect(points(300)).toBe(0);
    expect(points(2000)).toBe(0);
    expect(points(31_000)).toBeCloseTo(10, 5);
    expect(points(60_000)).toBe(20);
    expect(points(600_000)).toBe(20);
  });

  it('system surfaces cost what the policy says (nothing by default)', () => {
    const c = departureCharge(away(45_000, { kind: 'system_surface', surface: 'os_dialog', name: 'gcr-prompter' }), policy.ledger, leaving, never);
    expect(c).toMatchObject({ kind: 'focus_lost', opts: { points: 0 } });
    expect(c.message).toBe('a system dialog (gcr-prompter) took focus, away 45 s');
    const strict = PolicySchema.parse({ schemaVersion: 1, integrity: { lockdown: { leaving: { surfacePoints: { screen_lock: 5 } } } } });
    expect(departureCharge(away(1000, { kind: 'system_surface', surface: 'screen_lock', name: 'screen lock' }), strict.ledger, strict.integrity.lockdown.leaving, never).opts.points).toBe(5);
  });

  it('a prohibited app costs prohibited_app points once; going back to it is time away', () => {
    const target = { kind: 'prohibited_app', name: 'ChatGPT', category: 'ai_assistant' } as const;
    expect(departureCharge(away(500, target), policy.ledger, leaving, never)).toMatchObject({
      kind: 'prohibited_app',
      opts: { key: prohibitedKey('ai_assistant', 'chatgpt'), graceable: true },
    });
    const again = departureCharge(away(500, target), policy.ledger, leaving, () => true);
    expect(again).toMatchObject({ kind: 'focus_lost', opts: { points: 0 } });
  });
});

describe('RiskLedger.charge: once per observation, warned before it costs', () => {
  it('the first graceable violation is a warning at 0 points; the next costs', () => {
    const l = new RiskLedger(policy.ledger, undefined, 1);
    const first = l.charge('focus_lost', 1000, 'x', { points: 20, graceable: true });
    expect(first).toMatchObject({ points: 0, grace: true });
    expect(l.state(1000).score).toBe(0);
    expect(l.warningsLeft).toBe(0);
    expect(l.charge('focus_lost', 2000, 'y', { points: 20, graceable: true })).toMatchObject({ points: 20, grace: false });
    expect(l.state(2000).score).toBe(20);
  });

  it('a free observation does not use up the warning; a non-graceable one is charged at once', () => {
    const l = new RiskLedger(policy.ledger, undefined, 1);
    l.charge('focus_lost', 1, 'blink', { points: 0, graceable: true });
    expect(l.warningsLeft).toBe(1);
    expect(l.charge('virtual_machine', 2, 'dmi', { key: 'virtual_machine' })).toMatchObject({ points: 30, grace: false });
    expect(l.warningsLeft).toBe(1);
  });

  it('the same key counts once', () => {
    const l = new RiskLedger(policy.ledger);
    l.charge('prohibited_app', 1, 'chatgpt', { key: 'k' });
    expect(l.charge('prohibited_app', 2, 'chatgpt again', { key: 'k' })).toMatchObject({ points: 0, repeat: true });
    expect(l.state(3).score).toBe(50);
    expect(l.hasCharged('k')).toBe(true);
  });

  it('replaying the recorded charges gives the same score, warnings and keys back', () => {
    const a = new RiskLedger(policy.ledger, undefined, 1);
    const charges = [
      a.charge('focus_lost', 1, 'a', { points: 20, graceable: true }),
      a.charge('focus_lost', 2, 'b', { points: 7.5, graceable: true }),
      a.charge('prohibited_app', 3, 'c', { key: 'k', graceable: true }),
      a.charge('prohibited_app', 4, 'c', { key: 'k', graceable: true }),
    ];
    const b = new RiskLedger(policy.ledger, undefined, 1);
    for (const c of charges) b.replay(c);
    expect(b.state(5)).toEqual(a.state(5));
    expect(b.warningsLeft).toBe(0);
    expect(b.hasCharged('k')).toBe(true);
  });
});
