import { RISK_LEVELS, type RiskLevel } from '../contract/risk';
import type { Delivery, ReadableAttempt, ReviewNote } from '../contract/review';
import { AttemptReadError, type RawAttempt } from './attempt-reader';

/** One row of the attempts list, from the audit rows alone (the review note is added by the caller). */
export function summarizeAttempt(raw: RawAttempt, id: string, review: ReviewNote): ReadableAttempt {
  const first = raw.records[0];
  if (!first?.valid || first.kind !== 'session_started') {
    const what = !first ? 'missing' : first.valid ? first.kind : `a ${first.kind} row that does not fit its schema (${first.problem})`;
    throw new AttemptReadError(`cannot read: ${raw.file}: the first audit row is ${what}, not session_started`);
  }
  const start = first.payload;
  const flagsByLevel = Object.fromEntries(RISK_LEVELS.map((l) => [l, 0])) as Record<RiskLevel, number>;
  const integrityByKind: Record<string, number> = {};
  let finalScore = 0;
  let peakScore = 0;
  let flagCount = 0;
  let integrityCount = 0;
  let answerSaves = 0;
  let errors = 0;
  let invalidRows = 0;
  let locked = false;
  let submission: ReadableAttempt['submission'] = null;
  let submissionSeq: number | null = null;
  for (const r of raw.records) {
    if (!r.valid) {
      invalidRows++;
      continue;
    }
    switch (r.kind) {
      case 'risk_changed':
        finalScore = r.payload.to;
        peakScore = Math.max(peakScore, r.payload.to);
        break;
      case 'flag_raised':
        flagCount++;
        flagsByLevel[r.payload.level]++;
        break;
      case 'integrity_event':
        integrityCount++;
        integrityByKind[r.payload.kind] = (integrityByKind[r.payload.kind] ?? 0) + 1;
        break;
      case 'answer_saved':
        answerSaves++;
        break;
      case 'error':
        errors++;
        break;
      case 'session_locked':
        locked = true;
        break;
      case 'submission':
        submission = { at: r.payload.submittedAt, reason: r.payload.reason };
        submissionSeq = r.seq;
        break;
      default:
        break;
    }
  }
  let delivery: Delivery = 'not_submitted';
  if (submissionSeq !== null) delivery = raw.outbox.find((o) => o.auditSeq === submissionSeq)?.state ?? 'pending';
  return {
    readable: true,
    id,
    file: raw.file,
    schemaVersion: raw.schemaVersion,
    sessionId: start.sessionId,
    studentId: start.studentId,
    examId: start.examId,
    startedAt: start.at,
    durationMinutes: start.durationMinutes,
    lastRowAt: raw.records[raw.records.length - 1]!.at,
    state: submission ? 'submitted' : locked ? 'locked' : 'in_progress',
    submission,
    finalScore,
    peakScore,
    flagsByLevel,
    flagCount,
    integrityByKind,
    integrityCount,
    answerSaves,
    errors,
    invalidRows,
    verification: raw.verification,
    delivery,
    rows: raw.records.length,
    review,
  };
}
