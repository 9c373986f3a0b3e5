import { HttpError, jsonObject, type RouteRequest, type Router } from './http-router';
import { ID_RULE, authorizeAttempt, idempotent, isId, isProctor, type ServerContext } from './server-context';
import type { AttemptRecord, ConfigMismatch, UploadKind } from './storage';

/** The header every upload of the app carries: the Config Key of the policy it runs (src-main/exam/config-key.ts). */
export const CONFIG_KEY_HEADER = 'vigil-config-key';

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
  const attempt = authorizeUpload(ctx, request, sessionId, studentId);
  const configMismatch = attempt ? configKeyMismatch(ctx, attempt, request.header(CONFIG_KEY_HEADER)) : null;

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
      ctx.storage.addUpload(sessionId, kind, {
        studentId,
        idempotencyKey: key,
        receivedAt: new Date(ctx.now()).toISOString(),
        body,
        ...(configMismatch ? { configMismatch } : {}),
      });
      return { status: 201, body: { ok: true, id: key, stored: kind, ...(configMismatch ? { configMismatch } : {}) } };
    },
  });
}

/**
 * A registered session takes uploads only with its own token and for its own student.
 * An unregistered session id is refused unless the server runs with
 * allowUnregisteredUploads (clients from before registration), and even then a request
 * that shows a token is judged by it.
 */
function authorizeUpload(ctx: ServerContext, request: RouteRequest, sessionId: string, studentId: string): AttemptRecord | null {
  const registered = ctx.storage.attempt(sessionId);
  if (!registered && ctx.allowUnregisteredUploads && request.header('authorization') === null) return null;
  const attempt = authorizeAttempt(ctx, request, sessionId);
  if (attempt.studentId !== studentId) {
    throw new HttpError(403, `session ${sessionId} is another student's attempt; upload only as the student who registered it`);
  }
  return attempt;
}

/**
 * Whether the upload came from the policy its attempt registered with (and the exam still
 * requires). A mismatch is not refused: refusing a submission would lose the student's
 * work, refusing flagged activity would hide evidence from the proctor, and the app cannot
 * change its policy mid-exam, so a refusal would fix nothing. The upload is stored marked,
 * the acknowledgement says so, and the attempt shows `config-mismatch` to the proctor
 * (docs/deploy.md, "Config Key").
 */
function configKeyMismatch(ctx: ServerContext, attempt: AttemptRecord, sent: string | null): ConfigMismatch | null {
  const required = ctx.storage.exam(attempt.examId)?.requiredPolicyHash ?? null;
  const key = sent?.trim().toLowerCase() ?? null;
  if (key === attempt.policyHash && (required === null || key === required)) return null;
  // The header as sent (clipped): a proctor should see what the app claimed, even if malformed.
  return { sent: sent === null ? null : sent.slice(0, 128), registered: attempt.policyHash, required };
}
