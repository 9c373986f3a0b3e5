import { ExamStartRequestSchema, type ExamStartResponse } from '../src-main/contract/exam-server-api';
import { HttpError, jsonObject, type Router } from './http-router';
import { ID_RULE, authorizeAttempt, isId, parseBody, type ServerContext } from './server-context';
import type { AttemptRecord } from './storage';

/**
 * `POST /api/sessions/:sessionId/start` (attempt token): the student pressed Start after the
 * system check, and the server starts the exam's time. The server stays the anchor:
 * - the start is the server's clock now, or, for a client that started while the server was
 *   unreachable, its claim, but never earlier than registration, later than now, or later
 *   than `startBy` (registration + the exam's `maxCheckMinutes`). Delaying Start, faking it or
 *   withholding it gains at most the check window, and only until `startBy`;
 * - the deadline is that start + the exam's duration + the proctor's extensions so far, and
 *   never later than the cap set at registration (a flagged second attempt keeps the first's);
 * - a second call (a retry, a restart, a re-sent offline start) gets the same start and deadline.
 * An offline-started attempt's start comes from its outbox (src-main/session/key-escrow.ts)
 * with an Idempotency-Key: the answer then acknowledges that key, as every upload's does.
 */
export function addExamStartRoute(router: Router, ctx: ServerContext): void {
  router.add('POST', '/api/sessions/:sessionId/start', (request) => {
    const { sessionId } = request.params as { sessionId: string };
    if (!isId(sessionId)) throw new HttpError(400, `session id must be ${ID_RULE}`);
    const attempt = authorizeAttempt(ctx, request, sessionId);
    const body = parseBody(ExamStartRequestSchema, request.raw.length === 0 ? {} : jsonObject(request.raw));
    const key = request.header('idempotency-key');
    const answer = ctx.storage.transaction(() => {
      if (attempt.examStartedAt !== null) return { status: 200, body: started(ctx, attempt.sessionId, attempt.examStartedAt, attempt.deadline) };
      const { examStartedAt, deadline } = startOf(ctx, attempt, body.clientStartedAt);
      ctx.storage.startExam(sessionId, examStartedAt, deadline);
      return { status: 201, body: started(ctx, sessionId, examStartedAt, deadline) };
    });
    return key === null ? answer : { status: answer.status, body: { ok: true, id: key, ...answer.body } };
  });
}

function startOf(ctx: ServerContext, a: AttemptRecord, claimed: number | undefined): { examStartedAt: number; deadline: number } {
  const now = ctx.now();
  const latest = Math.min(now, a.startBy ?? now);
  const examStartedAt = Math.max(a.startedAt, Math.min(claimed ?? now, latest));
  const exam = ctx.storage.exam(a.examId);
  if (!exam) throw new HttpError(409, `the exam ${a.examId} of session ${a.sessionId} is no longer on this server`);
  // Extensions a proctor gave before the start moved the cap; they count from the real start too.
  const extendedMs = ctx.storage
    .proctorOrders(a.sessionId)
    .reduce((sum, o) => sum + (o.signed.order.action === 'extend' ? o.signed.order.extendMinutes * 60_000 : 0), 0);
  const deadline = Math.min(a.deadline, examStartedAt + exam.exam.durationMinutes * 60_000 + extendedMs);
  return { examStartedAt, deadline };
}

const started = (ctx: ServerContext, sessionId: string, examStartedAt: number, deadline: number): ExamStartResponse => ({
  sessionId,
  serverTime: ctx.now(),
  examStartedAt,
  deadline,
});
