import { RISK_LEVELS, RiskLevelSchema, type RiskLevel } from '../contract/risk';
import type { Delivery, ReadableAttempt, ReviewNote } from '../contract/review';
import { AttemptReadError, type RawAttempt } from './attempt-reader';
import { num, str } from './payload-fields';

const REASONS = ['student', 'time_up', 'risk_limit'] as const;

/** One row of the attempts list, from the audit rows alone (the review note is added by the caller). */
export function summarizeAttempt(raw: RawAttempt, id: string, review: ReviewNote): ReadableAttempt {
  const first = raw.entries[0];
  if (first?.kind !== 'session_started') {
    throw new AttemptReadError(`cannot read: ${raw.file}: the first audit row is ${first?.kind ?? 'missing'}, not session_started`);
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
  let locked = false;
  let submission: ReadableAttempt['submission'] = null;
  let submissionSeq: number | null = null;
  for (const e of raw.entries) {
    switch (e.kind) {
      case 'risk_changed': {
        const to = num(e.payload, 'to');
        if (to !== null) {
          finalScore = to;
          peakScore = Math.max(peakScore, to);
        }
        break;
      }
      case 'flag_raised': {
        flagCount++;
        const level = RiskLevelSchema.safeParse(e.payload.level);
        if (level.success) flagsByLevel[level.data]++;
        break;
      }
      case 'integrity_event': {
        integrityCount++;
        const kind = str(e.payload, 'kind') ?? 'unknown';
        integrityByKind[kind] = (integrityByKind[kind] ?? 0) + 1;
        break;
      }
      case 'answer_saved':
        answerSaves++;
        break;
      case 'error':
        errors++;
        break;
      case 'session_locked':
        locked = true;
        break;
      case 'submission': {
        const reason = str(e.payload, 'reason');
        submission = {
          at: num(e.payload, 'submittedAt') ?? e.at,
          reason: (REASONS as readonly string[]).includes(reason ?? '') ? (reason as (typeof REASONS)[number]) : 'student',
        };
        submissionSeq = e.seq;
        break;
      }
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
    sessionId: str(start, 'sessionId') ?? '',
    studentId: str(start, 'studentId') ?? '(unknown)',
    examId: str(start, 'examId') ?? '(unknown)',
    startedAt: num(start, 'at') ?? first.at,
    durationMinutes: num(start, 'durationMinutes') ?? 0,
    lastRowAt: raw.entries[raw.entries.length - 1]!.at,
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
    verification: raw.verification,
    delivery,
    rows: raw.entries.length,
    review,
  };
}
