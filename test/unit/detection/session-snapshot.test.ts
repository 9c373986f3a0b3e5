import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../../src-main/contract/policy';
import { FlagOrchestrator } from '../../../src-main/detection/orchestrator';
import { FakeClock } from '../../fake-clock';
import { honestPackages, makePackage, robotKeys } from './package-factory';

const make = () => new FlagOrchestrator({ policy: defaultPolicy().classifier, clock: new FakeClock(1), sessionId: 's1', studentId: 'u1' });

describe('session snapshots', () => {
  it('a restored session continues exactly as the original would have (baselines, enrolment, open evidence)', () => {
    const pk = honestPackages(80, 4);
    const start = pk.at(-1)!.endedAt;
    const keys = robotKeys(start, 60);
    pk.push(makePackage(80, { keystrokes: keys, keystrokeCount: 60, startedAt: start, endedAt: start + 5000, netTxBytesPerSec: 2e6 }));
    const original = make();
    for (const p of pk.slice(0, 50)) original.processPackage(p);
    const snapshot = JSON.parse(JSON.stringify(original.exportState()));
    expect(snapshot.detectors.biometric_drift.enrolledDone).toBe(true);
    expect(JSON.stringify(snapshot)).not.toMatch(/"key"/);

    const restored = make();
    expect(restored.importState(snapshot)).toEqual({ ok: true, value: null });
    const a = pk.slice(50).map((p) => original.processPackage(p));
    const b = pk.slice(50).map((p) => restored.processPackage(p));
    expect(b).toEqual(a);
    expect(b.at(-1)!.patterns.map((f) => f.pattern)).toEqual(expect.arrayContaining(['temporal_inconsistency', 'network_anomaly']));

    // Without the snapshot, a restarted app starts learning again and judges nothing yet.
    const fresh = make();
    const c = pk.slice(50).map((p) => fresh.processPackage(p));
    expect(c[0]!.featureScores.network_activity).toBeNull();
  });

  it('keeps the out-of-order guard across a restore', () => {
    const o = make();
    for (const p of honestPackages(5)) o.processPackage(p);
    const r = make();
    r.importState(o.exportState());
    expect(r.processPackage(makePackage(2)).inputIssues[0]).toMatch(/out of order/);
  });

  it.each([
    ['garbage', 'nope', /version 1/],
    ['wrong version', { version: 2 }, /version 1/],
    ['no detectors', { version: 1, firstStartedAt: 0, lastEndedAt: 0 }, /no detectors/],
  ])('rejects %s with a reason and leaves the session alone', (_, snap, why) => {
    const o = make();
    const r = o.importState(snap);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(why);
    expect(o.exportState()).toBeNull();
  });

  it('rejects a tampered detector state', () => {
    const o = make();
    for (const p of honestPackages(40)) o.processPackage(p);
    const snap = JSON.parse(JSON.stringify(o.exportState()));
    snap.detectors.stress_spike.errors = [-3, 0, 0];
    const r = make().importState(snap);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/baseline state \[-3, 0, 0\] is not valid/);
    delete snap.detectors.focus_collapse;
    const r2 = make().importState(snap);
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error.message).toMatch(/no focus_collapse state/);
  });
});
