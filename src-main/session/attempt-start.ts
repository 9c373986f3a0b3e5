import type { AuditStore } from '../audit/audit-store';
import type { Upload } from '../audit/chained-upload';
import type { Exam, Policy, RiskState, SavedAnswer } from '../contract';
import type { CarryOver } from './attempt-file';
import { recordFindings } from './attempt-integrity';
import { writeMarker, type AttemptMarker } from './attempt-marker';

export interface ChainStart {
  sessionId: string;
  exam: Exam;
  studentId: string;
  startedAt: number;
  policy: Policy;
  /** K_0 from the exam server; without it one is made here. */
  k0?: Buffer;
  /** The escrow upload of a locally made K_0, queued with session_started (key-escrow.ts); null: none. */
  escrow: ((k0: Buffer) => Upload) | null;
  carryOver: CarryOver | null;
  /** The exam waits for the pre-exam system check; its time starts at exam_started. */
  awaitsCheck?: boolean;
}

/**
 * Writes session_started (with the exam and policy the attempt starts with) and installs
 * K_0 in the same transaction, with the key's escrow when asked. A file that continues a
 * deleted or damaged one then records its findings and re-saves the answers recovered
 * from it; those answers are returned.
 */
export function startAttemptChain(store: AuditStore, c: ChainStart): SavedAnswer[] {
  const { exam, studentId, sessionId } = c;
  store.startAttempt(
    { sessionId, examId: exam.id, studentId, at: c.startedAt, durationMinutes: exam.durationMinutes, policy: c.policy, exam, ...(c.awaitsCheck ? { awaitsCheck: true } : {}) },
    {
      ...(c.k0 ? { k0: c.k0 } : {}),
      escrow: (k0) => (c.escrow ? c.escrow(k0) : null),
    },
  );
  if (!c.carryOver) return [];
  recordFindings(store, c.carryOver.findings, { sessionId, studentId });
  return c.carryOver.answers.filter((a) => exam.questions.some((q) => q.id === a.questionId)).map((a) => store.saveAnswer(a));
}

/** The marker beside the file (attempt-marker.ts); failing to write it is logged, never fatal. */
export function saveAttemptMarker(file: string, store: AuditStore, m: Omit<AttemptMarker, 'head'>, log: (line: string) => void): void {
  try {
    writeMarker(file, { ...m, head: store.head() });
  } catch (e) {
    log(`could not write the attempt marker: ${String(e)}`);
  }
}

/** After tampering the score never drops below the highest one seen before it; 100 still locks. */
export function floorRisk(risk: RiskState, floor: number): RiskState {
  if (risk.score >= floor) return risk;
  return { ...risk, score: floor, locked: risk.locked || floor >= 100 };
}
