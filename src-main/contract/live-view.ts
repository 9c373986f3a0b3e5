import type { ProctorOrder } from './proctor-order';
import type { RiskLevel, RiskReason } from './risk';

/** One attempt as the proctor's live view lists it (server -> page). */
export interface LiveAttemptRow {
  sessionId: string;
  studentId: string;
  attemptNumber: number;
  /** Epoch ms, server clock (an extension moves it). */
  deadline: number;
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
