import { describe, expect, it } from 'vitest';
import type { ActivityPackage } from '../../../src-main/contract/activity';
import { defaultPolicy } from '../../../src-main/contract/policy';
import { BiometricDriftDetector } from '../../../src-main/detection/detectors/biometric-drift';
import type { Detector, DetectorOutput } from '../../../src-main/detection/detectors/detector';
import { FocusCollapseDetector } from '../../../src-main/detection/detectors/focus-collapse';
import { NetworkAnomalyDetector } from '../../../src-main/detection/detectors/network-anomaly';
import { ResourceExhaustionDetector } from '../../../src-main/detection/detectors/resource-exhaustion';
import { StressSpikeDetector } from '../../../src-main/detection/detectors/stress-spike';
import { TemporalInconsistencyDetector } from '../../../src-main/detection/detectors/temporal-inconsistency';
import { honestPackages, humanKeys, makePackage, rng, robotKeys } from './package-factory';

const settings = () => defaultPolicy().classifier.detectors;
const feed = (d: Detector, pkgs: ActivityPackage[], learningOverAfter = 24): DetectorOutput[] =>
  pkgs.map((pkg, i) => d.observe({ pkg, bad: {}, durationMs: pkg.endedAt - pkg.startedAt, learningOver: i >= learningOverAfter }));
const at = (seq: number, o: Partial<ActivityPackage>) => makePackage(seq, o);
const findings = (outs: DetectorOutput[]) => outs.filter((o) => o.finding !== null).map((o) => o.finding!);

describe('focus_collapse', () => {
  it('fires on repeated leaving of the exam window and explains it with numbers', () => {
    const d = new FocusCollapseDetector(settings());
    feed(d, honestPackages(30));
    const outs = feed(d, [at(30, { focusLosses: 1, unfocusedMs: 1000 }), at(31, { focusLosses: 1, unfocusedMs: 2500 })], 0);
    expect(outs[0]!.finding).toBeNull();
    const f = outs[1]!.finding!;
    expect(f.pattern).toBe('focus_collapse');
    expect(f.evidence.focusLossesRecent).toBe(2);
    expect(f.explanation).toMatch(/Left the exam window 2 times in the last 60 s, away 50%/);
    expect(outs[1]!.signals.app_switching).toBeCloseTo(0.5);
    expect(outs[1]!.signals.focus_anomaly).toBeCloseTo(0.5);
  });

  it('does not treat a long pause for thought as a collapse, but does after minutes against the baseline', () => {
    const d = new FocusCollapseDetector(settings());
    feed(d, honestPackages(30));
    const idle = Array.from({ length: 40 }, (_, i) => at(30 + i, { mouseMoveCount: 0, inactivityMs: 5000 }));
    const outs = feed(d, idle, 0);
    const first = outs.findIndex((o) => o.finding !== null);
    expect(first).toBe(35); // 36 windows of 5 s = 180 s
    expect(outs[first]!.finding!.severity).toBeLessThan(0.3);
    expect(outs[first]!.finding!.explanation).toMatch(/baseline of/);
  });
});

describe('stress_spike', () => {
  it('needs two indicators at once against the student baseline', () => {
    const d = new StressSpikeDetector(settings());
    feed(d, honestPackages(40));
    const keys = humanKeys(2_000_000, 30, rng(5));
    const one = feed(d, [at(40, { keystrokes: keys, keystrokeCount: 30, backspaceRatio: 0.45 })], 0);
    expect(one[0]!.finding).toBeNull();
    expect(one[0]!.signals.keystroke_errors).toBe(1);
    const two = feed(d, [at(41, { keystrokes: keys, keystrokeCount: 30, backspaceRatio: 0.45, stdFlightMs: 900 })], 0);
    const f = two[0]!.finding!;
    expect(f.pattern).toBe('stress_spike');
    expect(f.evidence.indicators).toBe(2);
    expect(f.explanation).toMatch(/backspace ratio 0.45 vs 0.0\d+/);
  });

  it('judges each student against their own baseline: a habitual corrector is not stressed', () => {
    const d = new StressSpikeDetector(settings());
    const heavy = honestPackages(40).map((p, i) => ({ ...p, backspaceRatio: 0.3 + 0.05 * Math.sin(i), stdFlightMs: 500 + 80 * Math.cos(i) }));
    feed(d, heavy);
    const keys = humanKeys(2_000_000, 30, rng(5));
    const out = feed(d, [at(40, { keystrokes: keys, keystrokeCount: 30, backspaceRatio: 0.33, stdFlightMs: 560 })], 0);
    expect(out[0]!.finding).toBeNull();
  });
});

describe('network_anomaly', () => {
  it('is absent without readings and while learning; fires on a jump far above the baseline', () => {
    const d = new NetworkAnomalyDetector(settings());
    expect(feed(d, [at(0, { netRxBytesPerSec: null, netTxBytesPerSec: null })])[0]!.signals.network_activity).toBeNull();
    const learn = feed(d, honestPackages(30));
    expect(learn[3]!.signals.network_activity).toBeNull();
    const outs = feed(d, [at(30, { netRxBytesPerSec: 800_000, netTxBytesPerSec: 1_500_000 })], 0);
    const f = outs[0]!.finding!;
    expect(f.pattern).toBe('network_anomaly');
    expect(f.evidence.txBytesPerSec).toBe(1_500_000);
    expect(f.explanation).toMatch(/KB\/s/);
  });

  it('ignores a relative jump that stays tiny in absolute terms', () => {
    const d = new NetworkAnomalyDetector(settings());
    feed(d, honestPackages(30).map((p) => ({ ...p, netRxBytesPerSec: 10, netTxBytesPerSec: 5 })));
    expect(feed(d, [at(30, { netRxBytesPerSec: 20_000, netTxBytesPerSec: 5_000 })], 0)[0]!.finding).toBeNull();
  });
});

describe('resource_exhaustion', () => {
  it('fires only when high load is sustained', () => {
    const d = new ResourceExhaustionDetector(settings());
    feed(d, honestPackages(30));
    const outs = feed(d, [95, 96, 97, 40, 95, 96, 97, 98].map((c, i) => at(30 + i, { cpuLoadPercent: c })), 0);
    expect(outs.map((o) => o.finding !== null)).toEqual([false, false, true, false, false, false, true, true]);
    expect(outs[2]!.finding!.evidence.sustainedMs).toBe(15_000);
    expect(outs[2]!.finding!.explanation).toMatch(/above the limit of 60%/);
  });

  it('starts a new run after a missing reading: the reported mean holds only the current run', () => {
    const d = new ResourceExhaustionDetector(settings());
    feed(d, honestPackages(30));
    const loads = [95, 95, null, 99, 99, 99, 99];
    const outs = feed(d, loads.map((c, i) => at(30 + i, { cpuLoadPercent: c })), 0);
    const f = outs[6]!.finding!;
    expect(f.evidence.sustainedMs).toBe(20_000);
    expect(f.evidence.meanHighLoadPercent).toBe(99);
  });
});

describe('temporal_inconsistency', () => {
  it('fires on metronome typing even before the baseline (human bound), not on human typing', () => {
    const d = new TemporalInconsistencyDetector(settings());
    const human = feed(d, honestPackages(10), 100);
    expect(findings(human)).toHaveLength(0);
    const robot = robotKeys(5_000_000, 40, 80, 30);
    const f = feed(d, [at(10, { keystrokes: robot, keystrokeCount: 40 })], 100)[0]!.finding!;
    expect(f.pattern).toBe('temporal_inconsistency');
    expect(f.explanation).toMatch(/human bound; baseline still learning/);
  });

  it('does not judge a window whose impossible samples were dropped', () => {
    const d = new TemporalInconsistencyDetector(settings());
    const pkg = at(0, { keystrokes: robotKeys(5_000_000, 40, 80, 30), keystrokeCount: 40 });
    expect(d.observe({ pkg, bad: { keystrokes: true }, durationMs: 5000, learningOver: true })).toEqual({ signals: { keystroke_anomaly: null }, finding: null });
  });

  it('fires on keys faster than a human can press them, with jitter', () => {
    const d = new TemporalInconsistencyDetector(settings());
    const rand = rng(9);
    const fast = Array.from({ length: 40 }, (_, i) => {
      const down = 5_000_000 + i * 12 + rand() * 6;
      return { category: 'letter' as const, zone: 2, down, up: down + 5 };
    });
    const f = feed(d, [at(0, { keystrokes: fast, keystrokeCount: 40 })], 100)[0]!.finding!;
    expect(f.explanation).toMatch(/faster than the human bound/);
  });
});

describe('biometric_drift', () => {
  /** Typist A: long dwell on every zone, regular; typist B: short dwell, quick. */
  const typist = (dwell: number, interval: number, seed: number) => {
    const rand = rng(seed);
    return (start: number, n: number) => {
      const keys = [];
      let t = start;
      for (let i = 0; i < n; i++) {
        const zone = 1 + (i % 8);
        keys.push({ category: (i % 6 === 5 ? 'space' : 'letter') as 'space' | 'letter', zone: i % 6 === 5 ? 9 : zone, down: t, up: t + dwell * (0.85 + 0.3 * rand()) + zone * 3 });
        t += interval * (0.7 + 0.6 * rand());
      }
      return keys;
    };
  };
  const A = typist(130, 260, 1);
  const B = typist(60, 140, 2);
  const pkgs = (gen: ReturnType<typeof typist>, from: number, count: number) =>
    Array.from({ length: count }, (_, i) => {
      const keys = gen(1_000_000 + (from + i) * 5000, 18);
      return makePackage(from + i, { keystrokes: keys, keystrokeCount: keys.length });
    });

  it('enrols first (absent signal), stays quiet for the same typist, fires for another with the numbers', () => {
    const d = new BiometricDriftDetector(settings());
    const enrol = feed(d, pkgs(A, 0, 14));
    expect(enrol[0]!.signals.keystroke_anomaly).toBeNull();
    expect(findings(feed(d, pkgs(A, 14, 40)))).toHaveLength(0);
    const swapped = feed(d, pkgs(B, 54, 10));
    const first = swapped.findIndex((o) => o.finding !== null);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThanOrEqual(4);
    const f = swapped[first]!.finding!;
    expect(f.pattern).toBe('biometric_drift');
    expect(f.evidence.cusum).toBeGreaterThan(f.evidence.alarm!);
    expect(f.evidence.enrolledKeystrokes).toBe(252);
    expect(f.explanation).toMatch(/unlike the typist enrolled on this student's first 252 keystrokes/);
    expect(swapped[first]!.signals.keystroke_anomaly).toBe(1);
  });

  it('skips windows with dropped samples instead of scoring false digraphs', () => {
    const d = new BiometricDriftDetector(settings());
    feed(d, pkgs(A, 0, 14));
    const bPkgs = pkgs(B, 14, 10);
    const outs = bPkgs.map((pkg) => d.observe({ pkg, bad: { keystrokes: true }, durationMs: 5000, learningOver: true }));
    expect(findings(outs)).toHaveLength(0);
    expect(outs.every((o) => o.signals.keystroke_anomaly === null)).toBe(true);
  });
});
