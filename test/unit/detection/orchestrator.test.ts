import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { flagFileJsonSchema, FlagFileSchema } from '../../../src-main/contract/flag-file';
import { defaultPolicy } from '../../../src-main/contract/policy';
import { FlagOrchestrator } from '../../../src-main/detection/orchestrator';
import { FakeClock } from '../../fake-clock';
import { honestPackages, humanKeys, makePackage, rng, robotKeys } from './package-factory';

const clock = new FakeClock(42);
const make = (mut?: (p: ReturnType<typeof defaultPolicy>['classifier']) => void, ids = { sessionId: 's1', studentId: 'u1' }) => {
  const policy = defaultPolicy().classifier;
  mut?.(policy);
  return new FlagOrchestrator({ policy, clock, ...ids });
};
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(flagFileJsonSchema());

describe('FlagOrchestrator', () => {
  it('scores an honest session clean, with voice absent and the weights renormalised', () => {
    const o = make();
    const results = honestPackages(60).map((p) => o.processPackage(p));
    expect(results.every((r) => !r.shouldFlag)).toBe(true);
    const last = results.at(-1)!;
    expect(last.featureScores.voice_stress).toBeNull();
    expect(last.riskLevel).toBe('clean');
    expect(last.probability).toBeLessThan(0.25);
    // Voice (0.10 of 1.00) is absent, everything else present once baselines are learnt.
    expect(last.confidence).toBeCloseTo(0.9, 5);
    expect(o.stats()).toMatchObject({ packagesSeen: 60, packagesRejected: 0, flags: 0 });
  });

  it('flags scripted typing after the baseline with a schema-valid flag file naming temporal_inconsistency', () => {
    const o = make();
    const honest = honestPackages(40);
    for (const p of honest) o.processPackage(p);
    const start = honest.at(-1)!.endedAt;
    const keys = robotKeys(start, 100);
    const pkg = makePackage(40, { keystrokes: keys, keystrokeCount: keys.length, startedAt: start, endedAt: start + 5000 });
    const r = o.processPackage(pkg);
    const names = r.patterns.map((p) => p.pattern);
    expect(names).toContain('temporal_inconsistency');
    const finding = r.patterns.find((p) => p.pattern === 'temporal_inconsistency')!;
    expect(finding.explanation).toMatch(/coefficient of variation/);
    expect(finding.evidence.intervalCv).toBe(0);
    expect(r.shouldFlag).toBe(true);
    expect(r.flagFile).toBeDefined();
    expect(validate(r.flagFile), JSON.stringify(validate.errors)).toBe(true);
    expect(FlagFileSchema.safeParse(r.flagFile).success).toBe(true);
    expect(r.flagFile!.flagId).toBe('s1:40');
    expect(r.flagFile!.createdAt).toBe(42);
    expect(JSON.stringify(r.flagFile)).not.toMatch(/"keystrokes"|"category"|"zone"/);
    expect(o.recentFlags()).toHaveLength(1);
    expect(o.stats().flagsByLevel[r.riskLevel]).toBe(1);
  });

  it('raises network_anomaly and resource_exhaustion against the student baseline, not a constant', () => {
    const o = make();
    const honest = honestPackages(40);
    for (const p of honest) o.processPackage(p);
    let seq = 40;
    let last;
    for (let i = 0; i < 5; i++, seq++) {
      last = o.processPackage(
        makePackage(seq, { cpuLoadPercent: 97, netRxBytesPerSec: 2_000_000, netTxBytesPerSec: 900_000 }),
      );
    }
    const names = last!.patterns.map((p) => p.pattern);
    expect(names).toEqual(expect.arrayContaining(['network_anomaly', 'resource_exhaustion']));
    expect(last!.riskLevel === 'high' || last!.riskLevel === 'critical').toBe(true);
    expect(validate(last!.flagFile)).toBe(true);
  });

  it('keeps separate baselines per session (one orchestrator each)', () => {
    const a = make(undefined, { sessionId: 'a', studentId: 'u1' });
    for (const p of honestPackages(40)) a.processPackage(p);
    expect(a.processPackage(makePackage(40, { netRxBytesPerSec: 2_000_000 })).featureScores.network_activity).not.toBeNull();
    // Session b has no baseline yet: the same burst is not judged against a's.
    const b = make(undefined, { sessionId: 'b', studentId: 'u2' });
    const r = b.processPackage(makePackage(0, { netRxBytesPerSec: 2_000_000 }));
    expect(r.featureScores.network_activity).toBeNull();
  });

  it('rejects or repairs bad input with reasons, never throws and never flags', () => {
    const o = make();
    for (const p of honestPackages(40)) o.processPackage(p);
    const base = makePackage(40);
    const bad: unknown[] = [
      null,
      { ...base, startedAt: undefined },
      { ...base, endedAt: base.startedAt - 10 },
      { ...base, endedAt: base.startedAt + 3_600_000 },
      { ...base, startedAt: 0, endedAt: 10 }, // out of order
      { ...base, sequence: 41, meanDwellMs: Number.NaN, backspaceRatio: 7, cpuLoadPercent: -3, unfocusedMs: 1e9, focusLosses: -1 },
      { ...base, sequence: 42, startedAt: base.startedAt + 5000, endedAt: base.endedAt + 5000, keystrokes: 'x' },
    ];
    for (const p of bad) {
      const r = o.processPackage(p as never);
      expect(r.shouldFlag).toBe(false);
      expect(r.inputIssues.length).toBeGreaterThan(0);
    }
    const noStudent = make(undefined, { sessionId: 's1', studentId: '' });
    expect(noStudent.processPackage(makePackage(43)).inputIssues).toEqual(['rejected: empty student id']);
    expect(noStudent.stats().packagesRejected).toBe(1);
    const noSession = make(undefined, { sessionId: '', studentId: 'u1' });
    expect(noSession.processPackage(makePackage(43)).inputIssues).toEqual(['rejected: empty session id']);
    expect(noSession.stats().packagesRejected).toBe(1);
    const stats = o.stats();
    expect(stats.packagesRejected).toBe(5);
    expect(stats.flags).toBe(0);
  });

  it('does not flag timing statistics longer than the window they describe', () => {
    // A 500 s flight-time spread in a 5 s window is a broken producer, not an erratic typist.
    const o = make((p) => (p.flagAtLevel = 'low'));
    for (const p of honestPackages(60)) o.processPackage(p);
    const keystrokes = humanKeys(1_000_000 + 60 * 5000, 25, rng(5));
    const r = o.processPackage(makePackage(60, { keystrokes, keystrokeCount: 25, stdFlightMs: 500_000, meanMouseSpeed: 500_000 }));
    expect(r.patterns).toEqual([]);
    expect(r.shouldFlag).toBe(false);
    expect(r.inputIssues).toContain('stdFlightMs 500000 replaced by 0 and ignored');
  });

  it('bounds the flag cache and keeps the newest', () => {
    const o = make((p) => {
      p.detectors.recentFlagLimit = 3;
      p.flagAtLevel = 'low';
      p.thresholds = { critical: 0.004, high: 0.003, medium: 0.002, low: 0.001 };
    });
    for (const p of honestPackages(10)) o.processPackage(p);
    const flags = o.recentFlags();
    expect(flags).toHaveLength(3);
    expect(flags.map((f) => f.activitySnapshot.sequence)).toEqual([7, 8, 9]);
  });

  it('is deterministic: the same packages give the same results and flag files', () => {
    const run = () => {
      const o = make((p) => (p.flagAtLevel = 'low'));
      const pk = honestPackages(60, 7);
      const start = pk.at(-1)!.endedAt;
      const keys = robotKeys(start, 60);
      pk.push(makePackage(60, { keystrokes: keys, keystrokeCount: 60, startedAt: start, endedAt: start + 5000, cpuLoadPercent: 99 }));
      return pk.map((p) => o.processPackage(p));
    };
    expect(run()).toEqual(run());
  });

  it('never throws and never flags on garbage, whatever the field', () => {
    const o = make((p) => (p.flagAtLevel = 'low'));
    const rand = rng(11);
    const junk = [Number.NaN, -1, 1e308, Number.POSITIVE_INFINITY, null, undefined, 'x', {}, [], true, -0];
    const pick = () => junk[Math.floor(rand() * junk.length)];
    const fields = Object.keys(makePackage(0)) as (keyof ReturnType<typeof makePackage>)[];
    let flags = 0;
    for (let i = 0; i < 2000; i++) {
      const p: Record<string, unknown> = { ...makePackage(i) };
      const n = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < n; k++) p[fields[Math.floor(rand() * fields.length)]!] = pick();
      const r = o.processPackage(p as never);
      if (r.shouldFlag) flags++;
      if (r.inputIssues.length === 0) expect(r.riskLevel).toBe('clean');
    }
    expect(flags).toBe(0);
    expect(o.stats().packagesSeen).toBe(2000);
  });
});
