import type { LiveTimeline, LiveTimelineLane } from '../src-main/contract/live-view';
import { EMPTY_REVIEW_NOTE, type ReadableAttempt } from '../src-main/contract/review';
import { RISK_LEVELS, type RiskLevel } from '../src-main/contract/risk';
import { buildTimeline } from '../src-main/review/attempt-timeline';
import { HttpError, type Router } from './http-router';
import type { LiveRecord } from './live-record';
import { ID_RULE, authorizeProctor, isId, type ServerContext } from './server-context';
import type { AttemptRecord } from './storage';
import { timelineRows, type ServerEvidence, type TimelineInput } from './timeline-rows';

/**
 * The proctor's drill-down: the review's timeline (its model and its builder) of what the
 * exam server holds for one attempt, with a word on each lane the server can only partly
 * know. Behind the proctor credential, like the rest of the live view.
 */
export function addLiveTimelineRoute(router: Router, ctx: ServerContext, record: LiveRecord): void {
  router.add('GET', '/api/proctor/live/sessions/:sessionId/timeline', (request) => {
    authorizeProctor(ctx, request);
    const sessionId = request.params.sessionId!;
    if (!isId(sessionId)) throw new HttpError(400, `session id must be ${ID_RULE}`);
    const attempt = ctx.storage.attempt(sessionId);
    if (!attempt) throw new HttpError(404, `there is no registered session ${sessionId}`);
    const started = performance.now();
    // What arrived a moment ago is in the drill-down too, not only after the next batch.
    record.flush();
    const evidence: ServerEvidence = { uploads: ctx.storage.uploadsOf(sessionId), liveReports: ctx.storage.liveReports(sessionId) };
    const timeline = liveTimeline(attempt, evidence, { checkpoints: ctx.storage.checkpointCount(sessionId), now: ctx.now() });
    return { status: 200, body: { ...timeline, buildMs: Math.round(performance.now() - started) } };
  });
}

export function liveTimeline(attempt: AttemptRecord, evidence: ServerEvidence, opts: { checkpoints: number; now: number }): Omit<LiveTimeline, 'buildMs'> {
  const input = timelineRows(evidence);
  const raw = {
    file: `exam server: session ${attempt.sessionId}`,
    schemaVersion: 0,
    ...input,
    verification: { state: 'cannot_verify' as const, reason: serverVerification(opts.checkpoints) },
    outbox: [],
  };
  return {
    sessionId: attempt.sessionId,
    builtAt: opts.now,
    detail: buildTimeline(raw, serverSummary(attempt, evidence, input, raw.verification)),
    lanes: laneAvailability(evidence, input),
  };
}

const serverVerification = (checkpoints: number): string =>
  `the exam server holds ${checkpoints} checkpoint${checkpoints === 1 ? '' : 's'} of the audit log, not the log itself; ` +
  "verify the student's attempt database with npm run audit -- verify";

/** The attempts-list facts, as far as the server knows them (the review's are read from the whole log). */
function serverSummary(attempt: AttemptRecord, evidence: ServerEvidence, input: TimelineInput, verification: ReadableAttempt['verification']): ReadableAttempt {
  const flagsByLevel = Object.fromEntries(RISK_LEVELS.map((l) => [l, 0])) as Record<RiskLevel, number>;
  const integrityByKind: Record<string, number> = {};
  const s = { finalScore: 0, peakScore: 0, flagCount: 0, integrityCount: 0, answerSaves: 0, errors: 0, invalidRows: 0, locked: false };
  let submission: ReadableAttempt['submission'] = null;
  const examStart = attempt.examStartedAt ?? attempt.startedAt;
  for (const r of input.records) {
    if (!r.valid) {
      s.invalidRows++;
      continue;
    }
    if (r.kind === 'risk_changed') {
      s.finalScore = r.payload.to;
      s.peakScore = Math.max(s.peakScore, r.payload.to);
    } else if (r.kind === 'flag_raised') {
      s.flagCount++;
      flagsByLevel[r.payload.level]++;
    } else if (r.kind === 'integrity_event') {
      s.integrityCount++;
      integrityByKind[r.payload.kind] = (integrityByKind[r.payload.kind] ?? 0) + 1;
    } else if (r.kind === 'answer_saved') s.answerSaves++;
    else if (r.kind === 'error') s.errors++;
    else if (r.kind === 'session_locked') s.locked = true;
    else if (r.kind === 'submission') submission = { at: r.payload.submittedAt, reason: r.payload.reason };
  }
  const submitted = evidence.uploads.submissions.length > 0;
  const { locked, ...counts } = s;
  return {
    readable: true,
    id: attempt.sessionId,
    file: `exam server: session ${attempt.sessionId}`,
    schemaVersion: 0,
    sessionId: attempt.sessionId,
    studentId: attempt.studentId,
    examId: attempt.examId,
    // The exam's time, from Start (registration while the attempt is still at its system check)
    // to the server's deadline (an extension moves it; before Start, the latest it can be).
    startedAt: examStart,
    durationMinutes: (attempt.deadline - examStart) / 60_000,
    lastRowAt: input.records.at(-1)?.at ?? attempt.startedAt,
    state: submitted ? 'submitted' : locked ? 'locked' : 'in_progress',
    submission,
    ...counts,
    flagsByLevel,
    integrityByKind,
    verification,
    delivery: submitted ? 'delivered' : 'not_submitted',
    rows: input.records.length,
    review: EMPTY_REVIEW_NOTE,
  };
}

/** What each lane of the chart is made of here, so an empty lane never reads as "nothing happened". */
function laneAvailability(evidence: ServerEvidence, input: TimelineInput): LiveTimelineLane[] {
  const has = (kind: string) => evidence.liveReports.some((r) => r.kind === kind);
  const flagFiles = input.records.filter((r) => r.valid && r.kind === 'package_scored').length;
  const answers = input.records.some((r) => r.valid && r.kind === 'answer_saved');
  const risk: LiveTimelineLane = has('app_risk')
    ? { lane: 'risk', state: 'live', note: "The app's own score at each change it reported; changes made while it was offline arrive as the latest score only." }
    : has('stream_risk')
      ? { lane: 'risk', state: 'live', note: "The server's score of the exam page's events (this attempt sends no scores of its own)." }
      : { lane: 'risk', state: 'not_available', note: 'Nothing has been streamed for this attempt yet.' };
  const flagged = (lane: 'packages' | 'typing' | 'away', what: string): LiveTimelineLane =>
    flagFiles > 0
      ? { lane, state: 'partial', note: `${what} of the ${flagFiles} flagged package${flagFiles === 1 ? '' : 's'} only: a package reaches the server with its flag file; the others stay in the student's log.` }
      : { lane, state: 'not_available', note: `${what}: the server receives a package only with its flag file, and no flag file has arrived.` };
  return [
    risk,
    flagged('packages', 'Behavioural probability'),
    flagged('typing', 'Keys per minute and typist drift'),
    { lane: 'flags', state: 'live', note: 'Flag files from the outbox, and flags the app reported live until their file arrives.' },
    has('app_risk') || has('stream_risk')
      ? { lane: 'integrity', state: 'partial', note: 'Findings that cost points, from the reasons of the streamed scores; findings that cost nothing are only in the log.' }
      : { lane: 'integrity', state: 'not_available', note: 'Integrity findings reach the server with the streamed score, and none has arrived.' },
    flagged('away', 'Time away from the exam window'),
    answers
      ? { lane: 'answers', state: 'partial', note: 'The last save of each answer, from the submission; earlier saves are only in the log.' }
      : { lane: 'answers', state: 'not_available', note: 'Answers reach the server only with the submission.' },
    { lane: 'session', state: 'live', note: 'The lock as the app reported it, and the submission from the outbox.' },
  ];
}
