import { CheckpointRequestSchema, type CheckpointRefusalReason, type CheckpointRequest } from '../src-main/contract/exam-server-api';
import { decodeKey, encodeKey, tagsEqual, verifyCheckpoint, type KeyCursor } from '../src-main/audit/keyed-chain';
import { HttpError, jsonObject, type Router } from './http-router';
import { ID_RULE, authorizeAttempt, idempotent, isId, parseBody, type ServerContext } from './server-context';
import type { AcceptedCheckpoint, AttemptRecord } from './storage';

/**
 * How many rows one checkpoint may move past the last: each row costs the server one HMAC,
 * so an absurd seq must not stall it (200,000 rows is about half a second). A client that
 * was offline longer sends an earlier checkpoint first: every row keeps its tag.
 */
export const MAX_CHECKPOINT_STRIDE = 200_000;

/**
 * `POST /api/sessions/:id/checkpoints` with `{seq, hash, tag}`. Accepted only when it extends
 * the last accepted checkpoint and its tag verifies under the attempt's key for that row;
 * every refusal is kept as evidence for the proctor and answered 409 with its reason.
 */
export function addCheckpointRoutes(router: Router, ctx: ServerContext): void {
  router.add('POST', '/api/sessions/:sessionId/checkpoints', (request) => {
    const { sessionId } = request.params as { sessionId: string };
    if (!isId(sessionId)) throw new HttpError(400, `session id must be ${ID_RULE}`);
    const attempt = authorizeAttempt(ctx, request, sessionId);
    return idempotent(ctx, request, {
      keyRequired: true,
      faultable: true,
      run: () => judge(ctx, attempt, parseBody(CheckpointRequestSchema, jsonObject(request.raw)), request.header('idempotency-key')!),
    });
  });
}

function judge(ctx: ServerContext, attempt: AttemptRecord, cp: CheckpointRequest, key: string) {
  const last = ctx.storage.lastCheckpoint(attempt.sessionId);
  const refuse = (reason: CheckpointRefusalReason, message: string) => {
    ctx.storage.recordRefusal(attempt.sessionId, { ...cp, reason, message, at: ctx.now() });
    return { status: 409, body: { message, reason, lastSeq: last?.seq ?? 0 } };
  };
  const ack = (seq: number) => ({ status: 201, body: { ok: true, id: key, stored: 'checkpoint', seq } });

  if (last && cp.seq < last.seq) {
    return refuse('truncated', `checkpoint at row ${cp.seq} is below the last accepted checkpoint (row ${last.seq}): the log cannot go back`);
  }
  if (last && cp.seq === last.seq) {
    // The same checkpoint again (a retry under a new key) is fine; anything else at that row is another history.
    if (cp.hash === last.hash && tagsEqual(cp.tag, last.tag)) return ack(cp.seq);
    return refuse('fork', `row ${cp.seq} was already checkpointed with ${cp.hash === last.hash ? 'another tag' : 'another hash'}: two histories from one log`);
  }
  const from: KeyCursor = last ? { index: last.seq - 1, key: decodeKey(last.key) } : { index: 0, key: decodeKey(attempt.k0) };
  if (cp.seq - 1 - from.index > MAX_CHECKPOINT_STRIDE) {
    return refuse('too_far', `checkpoint at row ${cp.seq} is more than ${MAX_CHECKPOINT_STRIDE} rows past the last one (row ${last?.seq ?? 0}); send an earlier checkpoint first`);
  }
  const verdict = verifyCheckpoint(from, cp);
  if (!verdict.ok) {
    return refuse('bad_tag', `${verdict.message} (re-sealed with another or an old key, or the row was changed)`);
  }
  const accepted: AcceptedCheckpoint = { ...cp, key: encodeKey(verdict.cursor.key), acceptedAt: ctx.now() };
  ctx.storage.acceptCheckpoint(attempt.sessionId, accepted);
  return ack(cp.seq);
}
