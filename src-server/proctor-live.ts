import type { LiveAttemptRow, LiveExamSnapshot } from '../src-main/contract/live-view';
import type { SignedProctorOrder } from '../src-main/contract/proctor-order';
import { sameSecret } from './credentials';
import { HttpError, type Router } from './http-router';
import type { LiveScorer } from './live-scorer';
import type { LiveStream } from './live-stream';
import { ID_RULE, authorizeProctor, isId, type ServerContext } from './server-context';
import type { AttemptRecord } from './storage';

/** The Socket.IO namespace of the proctor's live view. */
export const PROCTOR_NAMESPACE = '/proctor';

/**
 * The proctor's live view, server side: a snapshot of every attempt of an exam
 * (`GET /api/proctor/live/exams/:examId`) and, on the `/proctor` Socket.IO namespace
 * (credential in `auth.credential`), `watch {examId}` then `risk_update`, `presence` and
 * `order_issued` as they happen. Both need the proctor credential.
 */
export function addProctorLive(router: Router, ctx: ServerContext, scorer: LiveScorer, live: () => LiveStream | null): { orderIssued(signed: SignedProctorOrder): void; attach(stream: LiveStream): void } {
  const row = (a: AttemptRecord): LiveAttemptRow => {
    const stream = live();
    const app = stream?.reported(a.sessionId) ?? null;
    // The app scores everything it sees locally; its own score wins over the server's view of seed events.
    const streamed = scorer.state(a.sessionId);
    const risk = app?.risk ?? streamed;
    const orders = ctx.storage.proctorOrders(a.sessionId);
    return {
      sessionId: a.sessionId,
      studentId: a.studentId,
      attemptNumber: a.attemptNumber,
      deadline: a.deadline,
      examStartedAt: a.examStartedAt,
      startBy: a.examStartedAt === null ? a.startBy : null,
      online: stream?.isOnline(a.sessionId) ?? false,
      submitted: ctx.storage.hasSubmission(a.sessionId, a.studentId),
      score: risk?.score ?? null,
      level: risk?.level ?? null,
      locked: risk?.locked ?? false,
      reasons: risk?.reasons ?? [],
      source: app?.risk ? 'app' : streamed ? 'stream' : null,
      flags: app?.flags ?? 0,
      alerts: stream?.counts(a.sessionId)?.alerts ?? 0,
      lastOrder: orders.at(-1)?.signed.order ?? null,
    };
  };
  const snapshot = (examId: string): LiveExamSnapshot => {
    if (!isId(examId)) throw new HttpError(400, `exam id must be ${ID_RULE}`);
    if (!ctx.storage.exam(examId)) throw new HttpError(404, `there is no exam ${examId} on this server`);
    return { examId, serverTime: ctx.now(), attempts: ctx.storage.attemptsAt(examId).map(row) };
  };

  router.add('GET', '/api/proctor/live/exams/:examId', (request) => {
    authorizeProctor(ctx, request);
    return { status: 200, body: snapshot(request.params.examId!) };
  });

  return {
    orderIssued(signed) {
      const stream = live();
      const attempt = ctx.storage.attempt(signed.order.sessionId);
      if (stream && attempt && (stream.io.of(PROCTOR_NAMESPACE).adapter.rooms.get(`exam:${attempt.examId}`)?.size ?? 0) > 0) stream.io.of(PROCTOR_NAMESPACE).to(`exam:${attempt.examId}`).emit('order_issued', { row: row(attempt), order: signed.order });
    },
    attach(stream) {
      const nsp = stream.io.of(PROCTOR_NAMESPACE);
      nsp.use((socket, next) => {
        const credential = (socket.handshake.auth as { credential?: unknown } | undefined)?.credential;
        if (ctx.proctorToken === null) return next(new Error('no proctor credential is configured on this server, so the live view is closed'));
        if (typeof credential !== 'string' || credential === '') return next(new Error('the live view needs the proctor credential'));
        if (!sameSecret(credential, ctx.proctorToken)) return next(new Error('the proctor credential is wrong'));
        next();
      });
      nsp.on('connection', (socket) => {
        socket.on('watch', (payload: unknown, ack: unknown) => {
          const reply = typeof ack === 'function' ? (ack as (a: unknown) => void) : () => undefined;
          const examId = (payload as { examId?: unknown } | null)?.examId;
          try {
            if (typeof examId !== 'string') throw new HttpError(400, 'watch needs {examId}');
            const snap = snapshot(examId);
            for (const room of socket.rooms) if (room.startsWith('exam:')) void socket.leave(room);
            void socket.join(`exam:${examId}`);
            reply({ ok: true, snapshot: snap });
          } catch (error) {
            reply({ ok: false, error: (error as Error).message });
          }
        });
      });
      // Rows are built only for exams someone watches: a change nobody sees costs no query.
      const watched = (examId: string) => (nsp.adapter.rooms.get(`exam:${examId}`)?.size ?? 0) > 0;
      stream.onRiskChange((change) => {
        if (!watched(change.examId)) return;
        const attempt = ctx.storage.attempt(change.sessionId);
        if (attempt) nsp.to(`exam:${change.examId}`).emit('risk_update', { row: row(attempt), alerted: change.alerted, trigger: change.trigger, at: change.at });
      });
      stream.onPresence((change) => {
        if (!watched(change.examId)) return;
        const attempt = ctx.storage.attempt(change.sessionId);
        if (attempt) nsp.to(`exam:${change.examId}`).emit('presence', { row: row(attempt) });
      });
    },
  };
}
