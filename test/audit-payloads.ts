// Payloads that fit their audit row schemas, for tests that need rows but not a session.
import type { AuditPayload } from '../src-main/contract';
import { PolicySchema } from '../src-main/contract';

export function startedPayload(sessionId: string): AuditPayload<'session_started'> {
  return { sessionId, examId: 'exam-1', studentId: 'student-1', at: 0, durationMinutes: 60, policy: PolicySchema.parse({ schemaVersion: 1 }) };
}

export function scoredPayload(sequence: number, probability: number): AuditPayload<'package_scored'> {
  return {
    sequence,
    startedAt: sequence * 5000,
    endedAt: (sequence + 1) * 5000,
    keystrokeCount: 0,
    shouldFlag: false,
    level: 'clean',
    probability,
    confidence: 0.5,
    patterns: [],
    featureScores: {},
    inputIssues: [],
  };
}

export function flagPayload(sequence: number): AuditPayload<'flag_raised'> {
  return { sequence, level: 'high', probability: 0.7, patterns: [] };
}

export function submissionPayload(answerCount: number): AuditPayload<'submission'> {
  return { submittedAt: 0, reason: 'student', answerCount, riskScore: 0 };
}
