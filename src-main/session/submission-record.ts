import type { AuditStore } from '../audit/audit-store';
import type { RiskState, SavedAnswer, SubmissionReceipt } from '../contract';

export interface SubmissionFacts {
  sessionId: string;
  studentId: string;
  examId: string;
  submittedAt: number;
  reason: SubmissionReceipt['reason'];
  answers: SavedAnswer[];
  risk: RiskState;
}

/**
 * Writes the submission: its audit row, and in the same transaction the upload the exam
 * server receives (every answer, the risk and the audit head). Returns the receipt and the
 * audit row whose outbox item says when the server has it.
 */
export function recordSubmission(store: AuditStore, f: SubmissionFacts): { receipt: SubmissionReceipt; seq: number } {
  const { sessionId, studentId, submittedAt, reason, answers, risk } = f;
  const body = {
    sessionId,
    studentId,
    examId: f.examId,
    submittedAt,
    reason,
    answers: answers.map(({ questionId, value, savedAt, revision }) => ({ questionId, value, savedAt, revision })),
    risk: { score: risk.score, level: risk.level, reasons: risk.reasons },
    // The server keeps this; `npm run audit -- verify --anchor SEQ:HASH` checks the local log against it.
    auditHead: store.head(),
  };
  const { seq } = store.append(
    'submission',
    { submittedAt, reason, answerCount: answers.length, riskScore: risk.score },
    { path: `/api/submissions/${enc(sessionId)}/${enc(studentId)}`, body },
  );
  return { receipt: { submittedAt, reason, answerCount: answers.length, delivered: false }, seq };
}

const enc = encodeURIComponent;
