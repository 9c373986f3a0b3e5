import type { IntegrityKind, Policy, RiskLevel, SessionPhase, SubmissionReceipt } from '../contract';
import { IntegrityKindSchema, PolicySchema, RiskLevelSchema } from '../contract';
import type { AuditStore } from '../audit/audit-store';
import type { DetectionResult, PatternFinding } from '../detection/orchestrator';
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
 * database.
 */
export function restoreAttempt(store: AuditStore, policy: Policy): RestoredAttempt | null {
  let restored: RestoredAttempt | null = null;
  let afterSeq = 0;
  for (;;) {
    const page = store.entries({ afterSeq, limit: PAGE });
    for (const entry of page) {
      afterSeq = entry.seq;
      const p = entry.payload as Record<string, unknown>;
      if (entry.kind === 'session_started') {
        const recorded = PolicySchema.safeParse(p.policy);
        const attemptPolicy = recorded.success ? recorded.data : policy;
        restored = {
          sessionId: String(p.sessionId),
          startedAt: Number(p.at),
          phase: 'active',
          submission: null,
          submissionSeq: null,
          ledger: new RiskLedger(attemptPolicy.ledger, attemptPolicy.classifier.thresholds),
          policy: attemptPolicy,
          nextSequence: 0,
        };
        continue;
      }
      if (!restored) continue;
      switch (entry.kind) {
        case 'integrity_event': {
          const kind = IntegrityKindSchema.safeParse(p.kind);
          if (!kind.success) break;
          restored.ledger.recordIntegrity(kind.data, Number(p.at), String(p.message ?? ''));
          break;
        }
        case 'package_scored': {
          const level = RiskLevelSchema.safeParse(p.level);
          if (!level.success) break;
          restored.ledger.recordDetection(storedDetection(p, level.data), Number(p.endedAt));
          if (Number.isInteger(p.sequence)) restored.nextSequence = Math.max(restored.nextSequence, Number(p.sequence) + 1);
          break;
        }
        case 'session_locked':
          restored.phase = 'locked';
          break;
        case 'submission':
          restored.phase = 'submitted';
          restored.submissionSeq = entry.seq;
          restored.submission = {
            submittedAt: Number(p.submittedAt),
            reason: p.reason as SubmissionReceipt['reason'],
            answerCount: Number(p.answerCount),
            delivered: store.outboxItems().some((o) => o.auditSeq === entry.seq && o.state === 'delivered'),
          };
          break;
        default:
          break;
      }
    }
    if (page.length < PAGE) return restored;
  }
}

/** The parts of a DetectionResult the ledger reads, as `package_scored` recorded them. */
function storedDetection(p: Record<string, unknown>, level: RiskLevel): DetectionResult {
  return {
    shouldFlag: p.shouldFlag === true,
    riskLevel: level,
    probability: Number(p.probability),
    confidence: Number(p.confidence),
    patterns: Array.isArray(p.patterns) ? (p.patterns as PatternFinding[]) : [],
    featureScores: (p.featureScores ?? {}) as Record<string, number | null>,
    inputIssues: Array.isArray(p.inputIssues) ? (p.inputIssues as string[]) : [],
  };
}
