import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../../src-main/contract/policy';
import type { DetectionResult } from '../../../src-main/detection/orchestrator';
import { RiskLedger } from '../../../src-main/detection/risk-ledger';

const policy = () => defaultPolicy().ledger;
const detection = (riskLevel: DetectionResult['riskLevel'], probability = 0.9): DetectionResult => ({
  shouldFlag: riskLevel === 'high' || riskLevel === 'critical',
  riskLevel,
  probability,
  confidence: 0.9,
  patterns: [{ pattern: 'stress_spike', severity: 0.8, explanation: 'backspace ratio 0.4 vs 0.05 (z=9)', evidence: { z: 9 } }],
  featureScores: {},
  inputIssues: [],
});

describe('RiskLedger', () => {
  it('adds fixed integrity points that do not decay, naming the evidence', () => {
    const l = new RiskLedger(policy());
    const s = l.recordIntegrity('focus_lost', 1000, 'away 12 s');
    expect(s.score).toBe(20);
    expect(l.state(1000 + 3_600_000).score).toBe(20);
    expect(s.reasons[0]).toMatchObject({ source: 'integrity', code: 'focus_lost', points: 20 });
    expect(s.reasons[0]!.message).toMatch(/Left the exam window: away 12 s/);
  });

  it('decays behavioural points with the half-life', () => {
    const l = new RiskLedger(policy());
    expect(l.recordDetection(detection('critical'), 0).score).toBe(15);
    expect(l.state(300_000).score).toBe(7.5);
    expect(l.state(600_000).score).toBe(3.8);
    expect(l.recordDetection(detection('clean', 0.1), 600_000).score).toBe(3.8);
    expect(l.entries()).toHaveLength(1);
    expect(l.entries()[0]!.code).toBe('stress_spike');
  });

  it('never lets behavioural evidence alone pass the cap, however much of it there is', () => {
    const l = new RiskLedger(policy());
    let s;
    for (let i = 0; i < 1000; i++) s = l.recordDetection(detection('critical'), i * 1000);
    expect(s!.score).toBe(60);
    expect(s!.locked).toBe(false);
    expect(s!.warning).toMatch(/60\/100/);
  });

  it('locks at 100 only with an integrity event, clamps there and stays locked', () => {
    const l = new RiskLedger(policy());
    for (let i = 0; i < 10; i++) l.recordDetection(detection('critical'), i * 1000);
    expect(l.state(10_000).locked).toBe(false);
    l.recordIntegrity('prohibited_app', 10_000, 'a chat client');
    const s = l.state(10_000);
    expect(s.score).toBe(100);
    expect(s.locked).toBe(true);
    expect(s.level).toBe('critical');
    expect(s.warning).toMatch(/locked and submitted/);
    expect(l.state(10_000_000)).toMatchObject({ score: 100, locked: true });
  });

  it('warns with reasons once a threshold is crossed, not before', () => {
    const l = new RiskLedger(policy());
    expect(l.recordIntegrity('focus_lost', 0, '').warning).toBeNull();
    const s = l.recordIntegrity('external_paste', 1, '320 characters');
    expect(s.score).toBe(45);
    expect(s.warning).toMatch(/45\/100/);
    expect(s.warning).toMatch(/pasted text from outside the exam/);
    expect(s.warning).toMatch(/left the exam window/);
  });

  it('is deterministic and treats out-of-order times as now', () => {
    const run = () => {
      const l = new RiskLedger(policy());
      l.recordDetection(detection('high', 0.7), 5000);
      l.recordIntegrity('focus_lost', 1000, 'late report');
      l.recordDetection(detection('medium', 0.5), 20_000);
      return [l.state(50_000), l.entries()];
    };
    expect(run()).toEqual(run());
    const [, entries] = run() as [unknown, { at: number }[]];
    expect(entries.map((e) => e.at)).toEqual([5000, 5000, 20_000]);
  });
});
