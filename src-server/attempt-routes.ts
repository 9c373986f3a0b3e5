import { randomBytes, randomUUID } from 'node:crypto';
import {
  KeyEscrowRequestSchema,
  type AttemptStatus,
  RegistrationRequestSchema,
  type KeyEscrowRequest,
  type RegistrationRequest,
  type RegistrationResponse,
} from '../src-main/contract/exam-server-api';
import { decodeKey, encodeKey } from '../src-main/audit/keyed-chain';
import { accessCodeHash, attemptToken, sameSecret } from './credentials';
import { HttpError, jsonObject, type Router } from './http-router';
import { ID_RULE, authorizeAttempt, idempotent, isId, parseBody, type ServerContext } from './server-context';
import type { AttemptRecord, ExamRecord } from './storage';

/** How far ahead of the server's clock an offline client's start may be (clock skew). */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Starting an attempt. Online: `POST /api/sessions` and the server makes the session id and
 * K_0. Offline: the client made both and escrows them with `POST /api/sessions/:id/key-escrow`
 * once it reaches the server; the attempt is then marked offline-started (README says what
 * that can and cannot prove). A restarting client reads its attempt's status to check its
 * restored log and clock against the server's.
 */
export function addAttemptRoutes(router: Router, ctx: ServerContext): void {
  router.add('POST', '/api/sessions', (request) =>
    idempotent(ctx, request, {
      keyRequired: false,
      faultable: false,
      run: () => register(ctx, parseBody(RegistrationRequestSchema, jsonObject(request.raw)), null),
    }),
  );

  router.add('GET', '/api/sessions/:sessionId/status', (request): { status: number; body: AttemptStatus } => {
    const { sessionId } = request.params as { sessionId: string };
    if (!isId(sessionId)) throw new HttpError(400, `session id must be ${ID_RULE}`);
    const attempt = authorizeAttempt(ctx, request, sessionId);
    const last = ctx.storage.lastCheckpoint(sessionId);
    return {
      status: 200,
      body: {
        sessionId,
        serverTime: ctx.now(),
        startedAt: attempt.startedAt,
        ...examTime(attempt),
        origin: attempt.origin,
        lastCheckpoint: last ? { seq: last.seq, hash: last.hash } : null,
        submitted: ctx.storage.hasSubmission(sessionId, attempt.studentId),
      },
    };
  });

  // The client's outbox delivers the escrow (src-main/session/key-escrow.ts), with an
  // Idempotency-Key: the answer then also acknowledges that key, as every upload's does.
  router.add('POST', '/api/sessions/:sessionId/key-escrow', (request) => {
    const { sessionId } = request.params as { sessionId: string };
    if (!isId(sessionId)) throw new HttpError(400, `session id must be ${ID_RULE}`);
    const body = parseBody(KeyEscrowRequestSchema, jsonObject(request.raw));
    try {
      decodeKey(body.k0);
    } catch (error) {
      throw new HttpError(400, `invalid request body: k0 ${(error as Error).message}`);
    }
    const key = request.header('idempotency-key');
    return idempotent(ctx, request, {
      keyRequired: false,
      faultable: false,
      run: () => {
        const answer = escrow(ctx, sessionId, body);
        return key === null ? answer : { status: answer.status, body: { ok: true, id: key, ...answer.body } };
      },
    });
  });
}

function escrow(ctx: ServerContext, sessionId: string, body: KeyEscrowRequest) {
  const existing = ctx.storage.attempt(sessionId);
  if (existing) {
    // The same escrow again (its answer was lost) gets the same answer; anything else would
    // let a client swap in a new K_0 and re-seal its whole log.
    const same = existing.origin === 'offline-started' && existing.examId === body.examId && existing.studentId === body.studentId && sameSecret(existing.k0, body.k0);
    if (!same) throw new HttpError(409, `session ${sessionId} is already registered; its key cannot be replaced`, { reason: 'session_exists' });
    checkIdentity(ctx, requireExam(ctx, body.examId), body);
    return { status: 200, body: response(ctx, existing, requireExam(ctx, body.examId), false) };
  }
  return register(ctx, body, { sessionId, k0: body.k0, clientStartedAt: body.clientStartedAt });
}

function register(
  ctx: ServerContext,
  body: RegistrationRequest,
  offline: { sessionId: string; k0: string; clientStartedAt: number } | null,
): { status: number; body: RegistrationResponse } {
  const exam = requireExam(ctx, body.examId);
  checkIdentity(ctx, exam, body);
  if (exam.requiredPolicyHash !== null && exam.requiredPolicyHash !== body.policyHash) {
    throw new HttpError(403, `this app runs a policy (Config Key ${body.policyHash.slice(0, 12)}…) that exam ${exam.examId} does not accept`, {
      reason: 'policy_mismatch',
    });
  }

  const now = ctx.now();
  const earlier = ctx.storage.attemptsOf(exam.examId, body.studentId);
  const first = earlier[0];
  if (first && exam.secondAttempt === 'refuse') {
    throw new HttpError(
      409,
      `student ${body.studentId} already has an attempt at exam ${exam.examId} (started ${new Date(first.startedAt).toISOString()}); this exam allows one`,
      { reason: 'second_attempt', existingSessionId: first.sessionId },
    );
  }
  if (offline && offline.clientStartedAt > now + MAX_CLOCK_SKEW_MS) {
    throw new HttpError(400, `clientStartedAt is ${Math.round((offline.clientStartedAt - now) / 1000)} s ahead of the server's clock; an attempt cannot start in the future`);
  }
  // Offline, the client's start is a claim: never later than now, so escrowing late gains no time.
  const startedAt = offline ? Math.min(offline.clientStartedAt, now) : now;
  // An app that checks the machine first starts the time at Start (exam-start-route.ts), and
  // the check may hold it back by maxCheckMinutes at most: until then the deadline is a cap.
  // Escrowed offline, the check window counts from the claimed opening: the app's start
  // claim (queued at Start, sent after the escrow) then starts the time within it.
  const startBy = body.awaitsCheck === true ? (offline ? startedAt : now) + exam.maxCheckMinutes * 60_000 : null;
  const ownDeadline = (startBy ?? startedAt) + exam.exam.durationMinutes * 60_000;
  const attempt: AttemptRecord = {
    sessionId: offline?.sessionId ?? randomUUID(),
    examId: exam.examId,
    studentId: body.studentId,
    deviceId: body.deviceId,
    appVersion: body.appVersion,
    policyHash: body.policyHash,
    k0: offline?.k0 ?? encodeKey(randomBytes(32)),
    origin: offline ? 'offline-started' : 'online',
    startedAt,
    clientStartedAt: offline?.clientStartedAt ?? null,
    // A flagged later attempt keeps the first one's clock: starting over buys no time.
    deadline: first ? Math.min(first.deadline, ownDeadline) : ownDeadline,
    examStartedAt: startBy === null ? startedAt : null,
    startBy,
    attemptNumber: earlier.length + 1,
    secondAttemptOf: first?.sessionId ?? null,
    createdAt: now,
  };
  ctx.storage.addAttempt(attempt);
  return { status: 201, body: response(ctx, attempt, exam, offline === null) };
}

function requireExam(ctx: ServerContext, examId: string): ExamRecord {
  const exam = ctx.storage.exam(examId);
  if (!exam) throw new HttpError(404, `there is no exam "${examId}" on this server`);
  return exam;
}

/** The access code proves who the student is. One message for both failures: the roster stays private. */
function checkIdentity(ctx: ServerContext, exam: ExamRecord, body: RegistrationRequest): void {
  const stored = ctx.storage.accessCodeHash(exam.examId, body.studentId);
  const offered = accessCodeHash(ctx.tokenSecret, exam.examId, body.studentId, body.accessCode);
  if (stored === undefined || !sameSecret(stored, offered)) {
    throw new HttpError(403, `unknown student or wrong access code for exam ${exam.examId}`, { reason: 'bad_access_code' });
  }
}

/** Why a proctor should look at an attempt. */
export function attemptFlags(a: AttemptRecord): string[] {
  const flags: string[] = [];
  if (a.secondAttemptOf !== null) flags.push('second-attempt');
  if (a.origin === 'offline-started') flags.push('offline-started');
  return flags;
}

function response(ctx: ServerContext, a: AttemptRecord, exam: ExamRecord, includeKey: boolean): RegistrationResponse {
  return {
    sessionId: a.sessionId,
    ...(includeKey ? { k0: a.k0 } : {}),
    serverTime: ctx.now(),
    startedAt: a.startedAt,
    ...examTime(a),
    token: attemptToken(ctx.tokenSecret, a.sessionId),
    serverPublicKey: ctx.serverPublicKey,
    exam: exam.exam,
    origin: a.origin,
    attempt: { number: a.attemptNumber, secondAttemptOf: a.secondAttemptOf, flags: attemptFlags(a) },
  };
}

/** The exam's time as the client sees it: no deadline until it has started, only when it starts at the latest. */
export function examTime(a: AttemptRecord): { deadline: number | null; examStartedAt: number | null; startBy: number | null } {
  return a.examStartedAt === null ? { deadline: null, examStartedAt: null, startBy: a.startBy } : { deadline: a.deadline, examStartedAt: a.examStartedAt, startBy: null };
}
