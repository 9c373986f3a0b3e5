import type { ProctorOrder } from './proctor-order';
import type { AttemptDetail } from './review';
import type { RiskLevel, RiskReason } from './risk';

/** One attempt as the proctor's live view lists it (server -> page). */
export interface LiveAttemptRow {
  sessionId: string;
  studentId: string;
  attemptNumber: number;
  /**
   * Epoch ms, server clock (an extension moves it). While the exam's time has not started
   * (`examStartedAt` null) only the latest it can be: `startBy` + the exam's length.
   */
  deadline: number;
  /** When the exam's time started (server clock); null while the attempt is at its system check. */
  examStartedAt: number | null;
  /** While at the system check: when the time starts at the latest (server clock); null once started. */
  startBy: number | null;
  /** Has a live connection now. */
  online: boolean;
  submitted: boolean;
  /** Null until the attempt has streamed anything. */
  score: number | null;
  level: RiskLevel | null;
  locked: boolean;
  /** Most recent first. */
  reasons: RiskReason[];
  /** Whose score: the Vigil app's own (streamed beside its outbox) or the server's score of seed events. */
  source: 'app' | 'stream' | null;
  /** Flags the app reported live. */
  flags: number;
  /** high_risk_alert events sent to the student. */
  alerts: number;
  lastOrder: ProctorOrder | null;
}

export interface LiveExamSnapshot {
  examId: string;
  serverTime: number;
  attempts: LiveAttemptRow[];
}

/** Socket.IO events on the `/proctor` namespace, server -> page. */
export interface LiveViewEvents {
  /** `trigger`: the event that changed the score (a seed event, vigil_risk, vigil_flag), or 'window' for the end of a scored window. */
  risk_update: { row: LiveAttemptRow; alerted: boolean; trigger: string; at: number };
  presence: { row: LiveAttemptRow };
  order_issued: { row: LiveAttemptRow; order: ProctorOrder };
}

/** The lanes of the review's timeline, as the live drill-down accounts for each. */
export const TIMELINE_LANES = ['risk', 'packages', 'typing', 'flags', 'integrity', 'away', 'answers', 'session'] as const;
export type TimelineLane = (typeof TIMELINE_LANES)[number];

/**
 * How much of a lane the exam server can know: 'live' (all of what it is), 'partial' (what
 * reached the server, which `note` names) or 'not_available' (only the student's log has it).
 */
export interface LiveTimelineLane {
  lane: TimelineLane;
  state: 'live' | 'partial' | 'not_available';
  note: string;
}

/**
 * `GET /api/proctor/live/sessions/:sessionId/timeline`: the review's timeline model
 * (AttemptDetail, built by the review's own builder) from what the server holds for the attempt.
 */
export interface LiveTimeline {
  sessionId: string;
  /** Server clock when it was built. */
  builtAt: number;
  detail: AttemptDetail;
  lanes: LiveTimelineLane[];
  /**
   * How long the server took to read and build it (ms). A long attempt takes a while, on the
   * thread that also sends the alerts: the page spaces its refreshes by it.
   */
  buildMs: number;
}
