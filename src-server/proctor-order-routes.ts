import { randomUUID } from 'node:crypto';
import { ProctorOrderRequestSchema, type SignedProctorOrder } from '../src-main/contract/proctor-order';
import { HttpError, jsonObject, type Router } from './http-router';
import { ID_RULE, authorizeAttempt, authorizeProctor, isId, parseBody, type ServerContext } from './server-context';
import type { OrderSigner } from './order-signing';
import { pauseCredit } from './pause-credit';
import type { AttemptRecord } from './storage';

/** The Socket.IO event a streaming client receives an order on (it can also pull them). */
export const PROCTOR_ORDER_EVENT = 'proctor_order';

export interface OrderDelivery {
  /** Sends a signed order to the attempt's live connections, if any. */
  deliver(signed: SignedProctorOrder): void;
}

/**
 * A proctor orders a lock, an unlock or a time extension for one attempt. Each order is
 * signed by the server's Ed25519 key (the client checks it against the key it got at
 * registration), numbered per attempt so a replay is refused, kept on the server as its
 * audit, sent live and left for the client to pull. An extension moves the server's deadline;
 * so does an unlock, by the time its pause took (a pause does not eat the student's time).
 */
export function addProctorOrderRoutes(router: Router, ctx: ServerContext, signer: OrderSigner, delivery: OrderDelivery): void {
  const attemptOf = (sessionId: string): AttemptRecord => {
    if (!isId(sessionId)) throw new HttpError(400, `session id must be ${ID_RULE}`);
    const attempt = ctx.storage.attempt(sessionId);
    if (!attempt) throw new HttpError(404, `there is no registered session ${sessionId}`);
    return attempt;
  };

  router.add('GET', '/api/server-key', () => ({ status: 200, body: { algorithm: 'Ed25519', publicKey: signer.publicKey, encoding: 'base64 (raw 32 bytes)' } }));

  router.add('POST', '/api/proctor/sessions/:sessionId/orders', (request) => {
    authorizeProctor(ctx, request);
    const attempt = attemptOf(request.params.sessionId!);
    const body = parseBody(ProctorOrderRequestSchema, jsonObject(request.raw));
    if (ctx.storage.hasSubmission(attempt.sessionId, attempt.studentId)) {
      throw new HttpError(409, `attempt ${attempt.sessionId} is already submitted; there is nothing to ${body.action}`);
    }
    if (body.action === 'lock' && attempt.examStartedAt === null) {
      throw new HttpError(409, `attempt ${attempt.sessionId} has not started its exam yet (it is at the system check); a pause applies to a running exam`, {
        reason: 'not_started',
      });
    }
    const signed = ctx.storage.transaction(() => {
      const previous = ctx.storage.proctorOrders(attempt.sessionId);
      const extendMinutes = body.extendMinutes ?? 0;
      const now = ctx.now();
      // An unlock gives back the time the pause took (pause-credit.ts): the signed deadline moves.
      const credit = body.action === 'unlock' ? pauseCredit(attempt, previous, now) : 0;
      const deadline = attempt.deadline + extendMinutes * 60_000 + credit;
      const order = signer.sign({
        version: 1,
        orderId: randomUUID(),
        sessionId: attempt.sessionId,
        seq: previous.length + 1,
        action: body.action,
        extendMinutes,
        deadline,
        reason: body.reason,
        issuedAt: now,
      });
      if (deadline !== attempt.deadline) ctx.storage.setDeadline(attempt.sessionId, deadline);
      ctx.storage.addProctorOrder(order, 'proctor');
      return order;
    });
    delivery.deliver(signed);
    return { status: 201, body: signed };
  });

  router.add('GET', '/api/proctor/sessions/:sessionId/orders', (request) => {
    authorizeProctor(ctx, request);
    const attempt = attemptOf(request.params.sessionId!);
    return { status: 200, body: { sessionId: attempt.sessionId, orders: ctx.storage.proctorOrders(attempt.sessionId) } };
  });

  // The client pulls what it may have missed while offline (the live event is best effort).
  router.add('GET', '/api/sessions/:sessionId/orders', (request) => {
    const attempt = authorizeAttempt(ctx, request, request.params.sessionId!);
    return { status: 200, body: { sessionId: attempt.sessionId, orders: ctx.storage.proctorOrders(attempt.sessionId).map((o) => o.signed) } };
  });
}
