import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore, AuditStoreError } from '../../../src-main/audit/audit-store';
import { PolicySchema } from '../../../src-main/contract';
import { RiskLedger } from '../../../src-main/detection/risk-ledger';
import { restoreAttempt } from '../../../src-main/session/attempt-restore';
import { scoredPayload, startedPayload, submissionPayload } from '../../audit-payloads';
import { tamper } from '../audit/tamper';

const installed = PolicySchema.parse({ schemaVersion: 1 });
let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-restore-'));
  file = join(dir, 'attempt.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function withStore<T>(fn: (store: AuditStore) => T): T {
  const store = AuditStore.open(file, { now: () => 1000 });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

describe('restoreAttempt', () => {
  it('is null for a new database', () => {
    expect(withStore((s) => restoreAttempt(s, installed))).toBeNull();
  });

  it('rebuilds phase, submission, package numbering and the ledger from typed rows', () => {
    // The attempt started under stricter rules than the ones installed now: those rules stay.
    const started = { ...startedPayload('sess-1'), at: 500 };
    started.policy = PolicySchema.parse({ schemaVersion: 1, ledger: { integrityPoints: { focus_lost: 30 } } });
    const restored = withStore((s) => {
      s.append('session_started', started);
      s.append('package_scored', scoredPayload(0, 0.1));
      s.append('package_scored', scoredPayload(4, 0.2));
      s.append('integrity_event', { kind: 'focus_lost', at: 600, message: 'left' });
      s.append('integrity_event', { kind: 'focus_lost', at: 700, message: 'left again' });
      s.append('session_locked', { at: 800, score: 60, reasons: [] });
      const seq = s.append('submission', { ...submissionPayload(3), submittedAt: 900, reason: 'risk_limit' }).seq;
      return { attempt: restoreAttempt(s, installed), seq };
    });
    const attempt = restored.attempt!;
    expect(attempt).toMatchObject({
      sessionId: 'sess-1',
      startedAt: 500,
      phase: 'submitted',
      submissionSeq: restored.seq,
      submission: { submittedAt: 900, reason: 'risk_limit', answerCount: 3, delivered: false },
      nextSequence: 5,
    });
    expect(attempt.policy.ledger.integrityPoints.focus_lost).toBe(30);
    const expected = new RiskLedger(started.policy.ledger, started.policy.classifier.thresholds);
    expected.recordDetection({ ...storedResult(0.1) }, 5000);
    expected.recordDetection({ ...storedResult(0.2) }, 25_000);
    expected.recordIntegrity('focus_lost', 600, 'left');
    expected.recordIntegrity('focus_lost', 700, 'left again');
    expect(attempt.ledger.state(1000)).toEqual(expected.state(1000));
    expect(attempt.ledger.state(1000).score).toBeGreaterThan(0);
  });

  it('refuses a row that does not fit its schema, naming it, instead of rebuilding a wrong ledger', () => {
    withStore((s) => {
      s.append('session_started', startedPayload('sess-1'));
      s.append('integrity_event', { kind: 'focus_lost', at: 600, message: '' });
    });
    tamper(file, `UPDATE audit SET payload = '{"at":600,"kind":"wandered_off","message":""}' WHERE seq = 2`);
    withStore((s) => {
      let error: unknown;
      try {
        restoreAttempt(s, installed);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AuditStoreError);
      expect((error as AuditStoreError).code).toBe('read_failed');
      expect((error as AuditStoreError).message).toMatch(/row 2 \(integrity_event\) is not what Vigil writes: .*kind/);
    });
  });

  it('refuses a session_started row without the policy the attempt started under', () => {
    withStore((s) => s.append('session_started', startedPayload('sess-1')));
    tamper(file, `UPDATE audit SET payload = json_remove(payload, '$.policy') WHERE seq = 1`);
    expect(() => withStore((s) => restoreAttempt(s, installed))).toThrow(/row 1 \(session_started\) is not what Vigil writes: .*policy/);
  });
});

function storedResult(probability: number) {
  const p = scoredPayload(0, probability);
  return {
    shouldFlag: p.shouldFlag,
    riskLevel: p.level,
    probability: p.probability,
    confidence: p.confidence,
    patterns: p.patterns,
    featureScores: p.featureScores,
    inputIssues: p.inputIssues,
  };
}
