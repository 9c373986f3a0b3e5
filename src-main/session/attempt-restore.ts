import type { AuditPayload, Policy, SessionPhase, SubmissionReceipt } from '../contract';
import type { AuditStore } from '../audit/audit-store';
import { AuditStoreError } from '../audit/audit-store';
import type { DetectionResult } from '../detection/orchestrator';
import { RiskLedger } from '../detection/risk-ledger';

export interface RestoredAttempt {
  sessionId: string;
  startedAt: number;
  phase: SessionPhase;
  submission: SubmissionReceipt | null;
  submissionSeq: number | null;
  ledger: RiskLedger;
  /**
   * The policy the attempt started under: an attempt is scored by one set of rules from
   * start to end, even if a newer policy is installed between two runs.
   */
  policy: Policy;
  /** The sequence number the next activity package takes (numbering carries on across restarts). */
  nextSequence: number;
}

const PAGE = 1000;

/**
 * Rebuilds an attempt after a crash or restart from its own audit log: the session id and
 * start time, whether it was locked or submitted, and the risk ledger (replayed entry by
 * entry, which gives the same score because the ledger is deterministic). Null for a new
 * database. Every row is read through its kind's schema; a row that does not fit is
 * refused with its number rather than guessed at, since the ledger would be rebuilt wrong.
 */
export function restoreAttempt(store: AuditStore, installed: Policy): RestoredAttempt | null {
  // session_started must carry the policy (its schema says so), so the one installed now is
  // never the one an attempt is scored by; the parameter stays until the caller drops it.
  void installed;
  let restored: RestoredAttempt | null = null;
  let afterSeq = 0;
  for (;;) {
    const page = store.records({ afterSeq, limit: PAGE });
    for (const entry of page) {
      afterSeq = entry.seq;
      if (!entry.valid) {
        throw new AuditStoreError(
          'read_failed',
          `Cannot restore the attempt in ${store.file}: row ${entry.seq} (${entry.kind}) is not what Vigil writes: ${entry.problem}`,
        );
      }
      if (entry.kind === 'session_started') {
        const p = entry.payload;
        restored = {
          sessionId: p.sessionId,
          startedAt: p.at,
          phase: 'active',
          submission: null,
          submissionSeq: null,
          ledger: new RiskLedger(p.policy.ledger, p.policy.classifier.thresholds),
          policy: p.policy,
          nextSequence: 0,
        };
        continue;
      }
      if (!restored) continue;
      switch (entry.kind) {
        case 'integrity_event':
          restored.ledger.recordIntegrity(entry.payload.kind, entry.payload.at, entry.payload.message);
          break;
        case 'package_scored': {
          const p = entry.payload;
          restored.ledger.recordDetection(storedDetection(p), p.endedAt);
          restored.nextSequence = Math.max(restored.nextSequence, p.sequence + 1);
          break;
        }
        case 'session_locked':
          restored.phase = 'locked';
          break;
        case 'submission': {
          const p = entry.payload;
          restored.phase = 'submitted';
          restored.submissionSeq = entry.seq;
          restored.submission = {
            submittedAt: p.submittedAt,
            reason: p.reason,
            answerCount: p.answerCount,
            delivered: store.outboxItems().some((o) => o.auditSeq === entry.seq && o.state === 'delivered'),
          };
          break;
        }
        default:
          break;
      }
    }
    if (page.length < PAGE) return restored;
  }
}

/** The parts of a DetectionResult the ledger reads, as `package_scored` recorded them. */
function storedDetection(p: AuditPayload<'package_scored'>): DetectionResult {
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
