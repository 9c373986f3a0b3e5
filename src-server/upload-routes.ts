import { HttpError, jsonObject, type RouteRequest, type Router } from './http-router';
import { ID_RULE, authorizeAttempt, idempotent, isId, isProctor, type ServerContext } from './server-context';
import type { UploadKind } from './storage';

/**
 * The client's outbox uploads: flag files and the submission, each with an Idempotency-Key,
 * each under the attempt token of the session in the path. The path keeps the shape the
 * client has always posted to (`/api/<kind>/<session>/<student>`).
 */
export function addUploadRoutes(router: Router, ctx: ServerContext): void {
  router.add('POST', '/api/flagged-activity/:sessionId/:studentId', (request) => upload(ctx, request, 'flag'));
  router.add('POST', '/api/submissions/:sessionId/:studentId', (request) => upload(ctx, request, 'submission'));

  // What the server holds for a session: for its own attempt (token) or a proctor.
  router.add('GET', '/api/sessions/:sessionId', (request) => {
    const { sessionId } = request.params as { sessionId: string };
    if (!isId(sessionId)) throw new HttpError(400, `session id must be ${ID_RULE}`);
    if (!isProctor(ctx, request)) authorizeAttempt(ctx, request, sessionId);
    return { status: 200, body: ctx.storage.uploadsOf(sessionId) };
  });
}

function upload(ctx: ServerContext, request: RouteRequest, kind: UploadKind) {
  const { sessionId, studentId } = request.params as { sessionId: string; studentId: string };
  if (!isId(sessionId) || !isId(studentId)) throw new HttpError(400, `session and student ids must be ${ID_RULE}`);
  authorizeUpload(ctx, request, sessionId, studentId);

  return idempotent(ctx, request, {
    keyRequired: true,
    faultable: true,
    run: () => {
      const body = jsonObject(request.raw);
      if (kind === 'submission') {
        const answers = body.answers;
        if (typeof answers !== 'object' || answers === null) throw new HttpError(400, 'a submission needs an "answers" array or object');
        if (ctx.storage.hasSubmission(sessionId, studentId)) {
          throw new HttpError(409, `student ${studentId} has already submitted in session ${sessionId}`);
        }
      }
      const key = request.header('idempotency-key')!;
      ctx.storage.addUpload(sessionId, kind, { studentId, idempotencyKey: key, receivedAt: new Date(ctx.now()).toISOString(), body });
      return { status: 201, body: { ok: true, id: key, stored: kind } };
    },
  });
}

/**
 * A registered session takes uploads only with its own token and for its own student.
 * An unregistered session id is refused unless the server runs with
 * allowUnregisteredUploads (clients from before registration), and even then a request
 * that shows a token is judged by it.
 */
function authorizeUpload(ctx: ServerContext, request: RouteRequest, sessionId: string, studentId: string): void {
  const registered = ctx.storage.attempt(sessionId);
  if (!registered && ctx.allowUnregisteredUploads && request.header('authorization') === null) return;
  const attempt = authorizeAttempt(ctx, request, sessionId);
  if (attempt.studentId !== studentId) {
    throw new HttpError(403, `session ${sessionId} is another student's attempt; upload only as the student who registered it`);
  }
}
