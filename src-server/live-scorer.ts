import { LRUCache } from 'lru-cache';
import type { ActivityPackage } from '../src-main/contract/activity';
import { defaultPolicy, type Policy } from '../src-main/contract/policy';
import type { IntegrityKind, RiskState } from '../src-main/contract/risk';
import { FlagOrchestrator, type DetectionResult } from '../src-main/detection/orchestrator';
import { RiskLedger } from '../src-main/detection/risk-ledger';

/**
 * One window of activity as a remote client summarises it (the seed's `/predict` fields,
 * in Vigil's units). Counts a client does not know are null: the detectors then treat the
 * statistics they gate as absent rather than judging them on invented numbers.
 */
export interface WindowSummary {
  windowMs: number;
  keystrokeCount: number | null;
  meanDwellMs: number;
  stdDwellMs: number;
  meanFlightMs: number;
  stdFlightMs: number;
  backspaceRatio: number | null;
  mouseMoveCount: number | null;
  meanMouseSpeed: number;
  inactivityMs: number;
  focusLosses: number;
  unfocusedMs: number | null;
  copyEvents: number;
  pasteEvents: number;
  externalPasteEvents: number;
}

export interface LiveScore {
  subject: string;
  sequence: number;
  window: { startedAt: number; endedAt: number };
  risk: RiskState;
  /** The score before this window, to tell a change from a repeat. */
  previousScore: number;
  detection: DetectionResult;
}

interface Subject {
  orchestrator: FlagOrchestrator;
  ledger: RiskLedger;
  sequence: number;
  lastEndedAt: number;
  score: number;
}

export interface LiveScorerOptions {
  policy?: Policy;
  /** Subjects (sample ids, attempts) whose baselines are kept; the least recently scored is forgotten beyond this. */
  maxSubjects?: number;
  now?: () => number;
}

/**
 * Scores remote windows with the detection code Vigil runs locally: per subject one
 * FlagOrchestrator (the six detectors against the subject's own baselines) and one
 * RiskLedger (0..100, integrity points for each focus loss, as the app records them).
 *
 * Windows sit on the subject's own timeline: a window ends at the server's time, or one
 * window after the previous one if calls come faster than that, so baselines and decay
 * advance even for a client that sends its summaries in a burst, and windows never overlap.
 */
export class LiveScorer {
  private readonly policy: Policy;
  private readonly subjects: LRUCache<string, Subject>;
  private readonly now: () => number;

  constructor(opts: LiveScorerOptions = {}) {
    this.policy = opts.policy ?? defaultPolicy();
    this.subjects = new LRUCache({ max: opts.maxSubjects ?? 10_000 });
    this.now = opts.now ?? Date.now;
  }

  /**
   * `integrityRecorded`: the window's focus losses already went to the ledger as they
   * happened (a stream records them at once, see `integrity`), so they count once.
   */
  score(subject: string, summary: WindowSummary, integrityRecorded = false): LiveScore {
    const s = this.subjects.get(subject) ?? this.newSubject(subject);
    const endedAt = Math.max(this.now(), s.lastEndedAt + summary.windowMs);
    const startedAt = endedAt - summary.windowMs;
    const pkg = toPackage(subject, s.sequence, startedAt, endedAt, summary);
    const detection = s.orchestrator.processPackage(pkg);
    const previousScore = s.score;
    // Each focus loss is an integrity event as in the app (exam-session's reportWindowEvent);
    // the package carries the same losses to the focus_collapse detector.
    if (!integrityRecorded) {
      for (let i = 0; i < summary.focusLosses; i++) s.ledger.recordIntegrity('focus_lost', startedAt, 'reported by the client');
      for (let i = 0; i < summary.externalPasteEvents; i++) s.ledger.recordIntegrity('external_paste', startedAt, 'reported by the client');
    }
    const risk = s.ledger.recordDetection(detection, endedAt);
    s.sequence++;
    s.lastEndedAt = endedAt;
    s.score = risk.score;
    return { subject, sequence: pkg.sequence, window: { startedAt, endedAt }, risk, previousScore, detection };
  }

  /** An integrity event as it happens (a streamed focus loss): points at once, not at the window's end. */
  integrity(subject: string, kind: IntegrityKind, message: string): { risk: RiskState; previousScore: number } {
    const s = this.subjects.get(subject) ?? this.newSubject(subject);
    const previousScore = s.score;
    const risk = s.ledger.recordIntegrity(kind, this.now(), message);
    s.score = risk.score;
    return { risk, previousScore };
  }

  /** The current state of a subject, or null if it was never scored (or was forgotten). */
  state(subject: string): RiskState | null {
    const s = this.subjects.peek(subject);
    return s ? s.ledger.state(Math.max(this.now(), s.lastEndedAt)) : null;
  }

  forget(subject: string): void {
    this.subjects.delete(subject);
  }

  get size(): number {
    return this.subjects.size;
  }

  private newSubject(subject: string): Subject {
    // The orchestrator's ring of recent flag files is for the app's review; here one is enough.
    const classifier = { ...this.policy.classifier, detectors: { ...this.policy.classifier.detectors, recentFlagLimit: 1 } };
    const s: Subject = {
      orchestrator: new FlagOrchestrator({ policy: classifier, clock: { now: this.now }, sessionId: subject, studentId: subject }),
      ledger: new RiskLedger(this.policy.ledger, this.policy.classifier.thresholds),
      sequence: 0,
      lastEndedAt: Number.NEGATIVE_INFINITY,
      score: 0,
    };
    this.subjects.set(subject, s);
    return s;
  }
}

function toPackage(sessionId: string, sequence: number, startedAt: number, endedAt: number, w: WindowSummary): ActivityPackage {
  return {
    schemaVersion: 1,
    sessionId,
    sequence,
    startedAt,
    endedAt,
    // Unknown counts go in as values the package check refuses, so the detectors skip
    // what they gate (input-validation marks them bad and says so in inputIssues).
    keystrokeCount: w.keystrokeCount ?? Number.NaN,
    meanDwellMs: w.meanDwellMs,
    stdDwellMs: w.stdDwellMs,
    meanFlightMs: w.meanFlightMs,
    stdFlightMs: w.stdFlightMs,
    backspaceRatio: w.backspaceRatio ?? Number.NaN,
    meanMouseSpeed: w.meanMouseSpeed,
    mouseMoveCount: w.mouseMoveCount ?? Number.NaN,
    inactivityMs: w.inactivityMs,
    focusLosses: w.focusLosses,
    unfocusedMs: w.unfocusedMs ?? Number.NaN,
    copyEvents: w.copyEvents,
    pasteEvents: w.pasteEvents,
    externalPasteEvents: w.externalPasteEvents,
    cpuLoadPercent: null,
    netRxBytesPerSec: null,
    netTxBytesPerSec: null,
    keystrokes: [],
  };
}
