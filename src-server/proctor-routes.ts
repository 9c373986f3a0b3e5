import { ZodError } from 'zod';
import { attemptFlags } from './attempt-routes';
import { AccessCodeRequestSchema, issueAccessCodes, putExam } from './exam-admin';
import { HttpError, jsonObject, type Router } from './http-router';
import { ID_RULE, authorizeProctor, isId, parseBody, type ServerContext } from './server-context';
import type { AttemptRecord } from './storage';

/**
 * Everything behind the proctor credential: exams and access codes in, attempts and their
 * evidence out, and K_0 of an attempt so `npm run audit -- verify <db> --key K0` can check
 * the tags of a student's log.
 */
export function addProctorRoutes(router: Router, ctx: ServerContext): void {
  const attemptOf = (sessionId: string): AttemptRecord => {
    if (!isId(sessionId)) throw new HttpError(400, `session id must be ${ID_RULE}`);
    const attempt = ctx.storage.attempt(sessionId);
    if (!attempt) throw new HttpError(404, `there is no registered session ${sessionId}`);
    return attempt;
  };

  router.add('GET', '/api/proctor/sessions/:sessionId/key', (request) => {
    authorizeProctor(ctx, request);
    const attempt = attemptOf(request.params.sessionId!);
    return { status: 200, body: { sessionId: attempt.sessionId, k0: attempt.k0, encoding: 'base64', origin: attempt.origin } };
  });

  router.add('GET', '/api/proctor/sessions/:sessionId', (request) => {
    authorizeProctor(ctx, request);
    const attempt = attemptOf(request.params.sessionId!);
    const last = ctx.storage.lastCheckpoint(attempt.sessionId);
    const uploads = ctx.storage.uploadsOf(attempt.sessionId);
    const submission = uploads.submissions[0];
    return {
      status: 200,
      body: {
        attempt: publicAttempt(ctx, attempt),
        // Received after the deadline is not proof of lateness (an offline outbox delivers
        // later), but the proctor should see it beside the checkpoints.
        submission: submission
          ? { receivedAt: submission.receivedAt, receivedAfterDeadlineMs: Math.max(0, Date.parse(submission.receivedAt) - attempt.deadline) }
          : null,
        checkpoints: {
          accepted: ctx.storage.checkpointCount(attempt.sessionId),
          last: last ? { seq: last.seq, hash: last.hash, acceptedAt: last.acceptedAt } : null,
          refused: ctx.storage.refusals(attempt.sessionId),
        },
        uploads,
      },
    };
  });

  router.add('GET', '/api/proctor/exams/:examId/attempts', (request) => {
    authorizeProctor(ctx, request);
    const examId = request.params.examId!;
    if (!ctx.storage.exam(examId)) throw new HttpError(404, `there is no exam "${examId}" on this server`);
    return { status: 200, body: { examId, attempts: ctx.storage.attemptsAt(examId).map((a) => publicAttempt(ctx, a)) } };
  });

  router.add('PUT', '/api/proctor/exams/:examId', (request) => {
    authorizeProctor(ctx, request);
    const body = jsonObject(request.raw);
    const examId = request.params.examId!;
    const inner = body.exam as { id?: unknown } | undefined;
    if (inner?.id !== examId) throw new HttpError(400, `the exam's id (${String(inner?.id)}) must match the path (${examId})`);
    try {
      const settings = putExam(ctx.storage, body, ctx.now());
      return { status: 200, body: { examId, secondAttempt: settings.secondAttempt, requiredPolicyHash: settings.requiredPolicyHash, maxCheckMinutes: settings.maxCheckMinutes } };
    } catch (error) {
      throw new HttpError(400, (error as Error).message);
    }
  });

  router.add('POST', '/api/proctor/exams/:examId/access-codes', (request) => {
    authorizeProctor(ctx, request);
    const examId = request.params.examId!;
    const body = parseBody(AccessCodeRequestSchema, jsonObject(request.raw));
    if (!ctx.storage.exam(examId)) throw new HttpError(404, `there is no exam "${examId}" on this server`);
    try {
      return { status: 201, body: issueAccessCodes(ctx.storage, ctx.tokenSecret, examId, body, ctx.now()) };
    } catch (error) {
      if (error instanceof ZodError) throw new HttpError(400, error.message);
      throw error;
    }
  });
}

/** An attempt as a proctor sees it in lists: everything but its key. */
function publicAttempt(ctx: ServerContext, a: AttemptRecord) {
  const { k0: _key, ...rest } = a;
  // Uploads sent under another policy than the attempt registered with (upload-routes.ts).
  const mismatches = ctx.storage.configMismatches(a.sessionId);
  return { ...rest, flags: [...attemptFlags(a), ...(mismatches > 0 ? ['config-mismatch'] : [])], configMismatches: mismatches };
}
