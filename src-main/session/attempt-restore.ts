import type { AuditPayload, Exam, Policy, SessionPhase, SubmissionReceipt } from '../contract';
import type { AuditStore } from '../audit/audit-store';
import { AuditStoreError } from '../audit/audit-store';
import type { DetectionResult } from '../detection/orchestrator';
import { RiskLedger } from '../detection/risk-ledger';
import { NO_FAILURES, type FailureRecord } from '../exam/password-throttle';
import { afterCloseAttempt } from './quit-guard';

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
  /** Kinds of the check findings the exam started with as warnings (exam_started). */
  startWarnings: string[];
  /** exam_started's start on the exam server's clock: sent again if the server has not heard of it. */
  serverStartClaim: number | null;
  /** The last run ended with session_closed; false: it ended some other way (crash, kill, power). */
  closedCleanly: boolean;
  /** The exam the attempt started with (absent in attempts from before the keyed chain). */
  exam: Exam | null;
  /**
   * The highest score any readable row recorded: after tampering the attempt never scores
   * below it, whatever the replayed ledger says.
   */
  maxScore: number;
  /** Rows a lenient restore skipped because they do not fit their schema (empty when strict). */
  unreadableRows: { seq: number; kind: string; problem: string }[];
  /** Rows a `log_tampered` finding already named: a later restore does not report them again. */
  notedRows: number[];
  /** Wrong quit passwords in a row (close_attempt rows): the wait before the next one survives a restart. */
  quitFailures: FailureRecord;
}

const PAGE = 1000;

/**
 * Rebuilds an attempt after a crash or restart from its own audit log: the session id and
 * start time, whether it was locked or submitted, and the risk ledger (replayed entry by
 * entry, which gives the same score because the ledger is deterministic). Null for a new
 * database. Every row is read through its kind's schema; a row that does not fit is
 * refused with its number rather than guessed at, since the ledger would be rebuilt wrong.
 */
export function restoreAttempt(store: AuditStore, installed: Policy, opts: { lenient?: boolean } = {}): RestoredAttempt | null {
  // session_started must carry the policy (its schema says so), so the one installed now is
  // never the one an attempt is scored by; the parameter stays until the caller drops it.
  void installed;
  let restored: RestoredAttempt | null = null;
  const skipped: RestoredAttempt['unreadableRows'] = [];
  const noted: number[] = [];
  let afterSeq = 0;
  for (;;) {
    const page = store.records({ afterSeq, limit: PAGE });
    for (const entry of page) {
      afterSeq = entry.seq;
      if (!entry.valid) {
        // Lenient: read what can be read, and say what was skipped (attempt-integrity records it).
        if (opts.lenient) {
          skipped.push({ seq: entry.seq, kind: entry.kind, problem: entry.problem });
          continue;
        }
        throw new AuditStoreError(
          'read_failed',
          `Cannot restore the attempt in ${store.file}: row ${entry.seq} (${entry.kind}) is not what Vigil writes: ${entry.problem}`,
        );
      }
      if (entry.kind === 'session_started') {
        // A second session_started (forged into a tampered log) never restarts the clock.
        if (restored) continue;
        const p = entry.payload;
        restored = {
          sessionId: p.sessionId,
          startedAt: p.at,
          // An attempt that waits for the system check has not started its time yet.
          phase: p.awaitsCheck ? 'checking' : 'active',
          closedCleanly: false,
          startWarnings: [],
          serverStartClaim: null,
          submission: null,
          submissionSeq: null,
          ledger: new RiskLedger(p.policy.ledger, p.policy.classifier.thresholds, p.policy.integrity.lockdown.leaving.graceWarnings),
          policy: p.policy,
          nextSequence: 0,
          exam: p.exam ?? null,
          maxScore: 0,
          unreadableRows: skipped,
          notedRows: noted,
          quitFailures: NO_FAILURES,
        };
        continue;
      }
      if (!restored) continue;
      switch (entry.kind) {
        case 'log_tampered':
          if (entry.payload.firstBrokenSeq !== null) noted.push(entry.payload.firstBrokenSeq);
          break;
        case 'integrity_event': {
          const p = entry.payload;
          // Rows written before charges carried their points cost the policy's fixed points.
          if (p.points === undefined) restored.ledger.recordIntegrity(p.kind, p.at, p.message);
          else restored.ledger.replay({ kind: p.kind, at: p.at, message: p.message, points: p.points, grace: p.grace ?? false, ...(p.key !== undefined ? { key: p.key } : {}), ...(p.repeat ? { repeat: true } : {}) });
          break;
        }
        case 'exam_started':
          restored.phase = 'active';
          restored.startedAt = entry.payload.at;
          restored.startWarnings = entry.payload.warnings.map((w) => w.kind);
          restored.serverStartClaim = entry.payload.serverAt ?? null;
          break;
        case 'close_attempt':
          restored.quitFailures = afterCloseAttempt(restored.quitFailures, entry.payload);
          break;
        case 'session_resumed':
          restored.closedCleanly = false;
          break;
        case 'session_closed':
          restored.closedCleanly = true;
          break;
        case 'package_scored': {
          const p = entry.payload;
          restored.ledger.recordDetection(storedDetection(p), p.endedAt);
          restored.nextSequence = Math.max(restored.nextSequence, p.sequence + 1);
          break;
        }
        case 'risk_changed':
          restored.maxScore = Math.max(restored.maxScore, entry.payload.to);
          break;
        case 'session_locked':
          restored.phase = 'locked';
          restored.maxScore = Math.max(restored.maxScore, entry.payload.score);
          break;
        case 'submission': {
          const p = entry.payload;
          restored.phase = 'submitted';
          restored.maxScore = Math.max(restored.maxScore, p.riskScore);
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
