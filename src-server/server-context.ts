import { createHash } from 'node:crypto';
import { z } from 'zod';
import { WireIdSchema } from '../src-main/contract/exam-server-api';
import { bearerToken, sameSecret, tokenSession } from './credentials';
import { HttpError, type RouteRequest, type RouteResult } from './http-router';
import type { AttemptRecord, ExamServerStorage } from './storage';

/**
 * Ways to misbehave on the next upload requests, for tests of the client's retry logic.
 * - malformed-ack: store the upload, then answer 200 with a body that is not an ack.
 * - drop-connection: store the upload, then cut the connection without answering.
 * - server-error: store nothing, answer 500.
 */
export type ExamServerFault = 'malformed-ack' | 'drop-connection' | 'server-error';

/** What every route shares: storage, clock, credentials and the test hooks. */
export interface ServerContext {
  storage: ExamServerStorage;
  tokenSecret: Buffer;
  now: () => number;
  /** null: proctor routes are closed. */
  proctorToken: string | null;
  allowUnregisteredUploads: boolean;
  faults: ExamServerFault[];
  /** The server's Ed25519 public key (base64, raw), handed out at registration for proctor orders. */
  serverPublicKey: string;
}

const KEY = /^[\x21-\x7e]{1,200}$/;
export const ID_RULE = '1-128 characters without "/" or control characters';

export function isId(value: string): boolean {
  return WireIdSchema.safeParse(value).success;
}

/** The body checked against a schema; every problem named in one 400. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, `invalid request body: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
  return parsed.data;
}

const BEARER_CHALLENGE = { 'www-authenticate': 'Bearer realm="vigil-exam-server"' };

/**
 * The attempt a request acts for, proven by its token. No token or a token this server did
 * not make: 401. A genuine token of another attempt: 403.
 */
export function authorizeAttempt(ctx: ServerContext, request: RouteRequest, sessionId: string): AttemptRecord {
  const token = bearerToken(request.header('authorization'));
  if (token === null) {
    throw new HttpError(401, 'this request needs the attempt token from registration (Authorization: Bearer <token>)', {}, BEARER_CHALLENGE);
  }
  const owner = tokenSession(ctx.tokenSecret, token);
  if (owner === null) throw new HttpError(401, 'the attempt token is not valid on this server', {}, BEARER_CHALLENGE);
  if (owner !== sessionId) {
    throw new HttpError(403, `this attempt token belongs to another attempt; it may act only for its own session, not ${sessionId}`);
  }
  const attempt = ctx.storage.attempt(sessionId);
  if (!attempt) throw new HttpError(401, `session ${sessionId} is not registered on this server`, {}, BEARER_CHALLENGE);
  return attempt;
}

/** Throws 401/403 unless the request carries the proctor credential. */
export function authorizeProctor(ctx: ServerContext, request: RouteRequest): void {
  if (ctx.proctorToken === null) throw new HttpError(403, 'no proctor credential is configured on this server, so proctor routes are closed');
  const token = bearerToken(request.header('authorization'));
  if (token === null) throw new HttpError(401, 'this request needs the proctor credential (Authorization: Bearer <credential>)', {}, BEARER_CHALLENGE);
  if (!sameSecret(token, ctx.proctorToken)) throw new HttpError(403, 'the proctor credential is wrong');
}

export function isProctor(ctx: ServerContext, request: RouteRequest): boolean {
  const token = bearerToken(request.header('authorization'));
  return ctx.proctorToken !== null && token !== null && sameSecret(token, ctx.proctorToken);
}

export interface IdempotentWork {
  /** Uploads must carry a key; a registration may. */
  keyRequired: boolean;
  /** Whether injected faults apply (the upload routes the client's relay uses). */
  faultable: boolean;
  /** Does the work and answers; runs in one transaction with remembering the answer. */
  run: () => { status: number; body: unknown };
}

/**
 * Idempotency-Key semantics: the first 2xx answer to a key is kept; the same request again
 * gets it back (`idempotent-replayed: true`) and changes nothing; the key on a different
 * request is a 422. Refusals are not kept: a retry is judged again.
 */
export function idempotent(ctx: ServerContext, request: RouteRequest, work: IdempotentWork): RouteResult {
  const key = request.header('idempotency-key');
  if (key === null) {
    if (work.keyRequired) throw new HttpError(400, 'the Idempotency-Key header is required');
    return ctx.storage.transaction(work.run);
  }
  if (!KEY.test(key)) throw new HttpError(400, 'Idempotency-Key must be 1-200 printable ASCII characters');
  const fingerprint = `${request.method} ${request.path} ${createHash('sha256').update(request.raw).digest('hex')}`;
  const previous = ctx.storage.recordedResponse(key);
  if (previous) {
    if (previous.fingerprint !== fingerprint) throw new HttpError(422, `Idempotency-Key ${key} was already used for a different request`);
    // A retry of something we already stored: same answer, nothing stored again.
    return { status: previous.status, body: previous.body, headers: { 'idempotent-replayed': 'true' } };
  }
  const fault = work.faultable ? ctx.faults.shift() : undefined;
  if (fault === 'server-error') return { status: 500, body: { message: 'injected server error' } };

  const answer = ctx.storage.transaction(() => {
    const result = work.run();
    const body = JSON.stringify(result.body);
    if (result.status >= 200 && result.status < 300) ctx.storage.remember(key, { fingerprint, status: result.status, body });
    return { status: result.status, body };
  });
  if (fault === 'malformed-ack') return { status: 200, body: '<html><body>Thanks!</body></html>' };
  if (fault === 'drop-connection') return 'dropped';
  return answer;
}
