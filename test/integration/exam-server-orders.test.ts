import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { SignedProctorOrder } from '../../src-main/contract/proctor-order';
import { ProctorOrderInbox } from '../../src-main/upload/proctor-orders';
import { startExamServer, type ExamServer } from '../../src-server/exam-server';
import { asProctor, call, register, startServerWithDemoExam } from '../exam-server-fixture';

let server: ExamServer;
let socket: Socket | null = null;
afterEach(async () => {
  socket?.disconnect();
  socket = null;
  await server?.close();
});

async function aliceRegistered() {
  const started = await startServerWithDemoExam();
  server = started.server;
  return register(server, 'alice', started.roster.codes.alice!);
}

describe('proctor orders (lock, unlock, extend), signed by the server', () => {
  it('a lock reaches the student live, verifies against the key from registration, and is audited on the server', async () => {
    const alice = await aliceRegistered();
    expect(alice.serverPublicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect((await call(server, 'GET', '/api/server-key')).body).toMatchObject({ algorithm: 'Ed25519', publicKey: alice.serverPublicKey });
    socket = io(server.url, { auth: { token: alice.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => socket!.once('connect', () => resolve()).once('connect_error', reject));
    const live = new Promise<SignedProctorOrder>((resolve) => socket!.once('proctor_order', resolve));

    const res = await asProctor(server, 'POST', `/api/proctor/sessions/${alice.sessionId}/orders`, { action: 'lock', reason: 'talking to a neighbour' });
    expect(res.status).toBe(201);
    const received = await live;
    expect(received).toEqual(res.body);
    const inbox = new ProctorOrderInbox(alice.serverPublicKey!, alice.sessionId, Date.now);
    expect(inbox.receive(received)).toMatchObject({ kind: 'apply', order: { action: 'lock', seq: 1, reason: 'talking to a neighbour', deadline: alice.deadline } });

    const audit = await asProctor(server, 'GET', `/api/proctor/sessions/${alice.sessionId}/orders`);
    expect(audit.body).toMatchObject({ orders: [{ issuedBy: 'proctor', signed: received }] });
  });

  it('an extension moves the deadline on the server; the client can pull orders it missed', async () => {
    const alice = await aliceRegistered();
    await asProctor(server, 'POST', `/api/proctor/sessions/${alice.sessionId}/orders`, { action: 'lock', reason: 'check' });
    const unlock = await asProctor(server, 'POST', `/api/proctor/sessions/${alice.sessionId}/orders`, { action: 'unlock', reason: 'checked, fine' });
    // The unlock gives back the pause's few milliseconds (pause-credit.test.ts times it exactly).
    const resumed = (unlock.body as SignedProctorOrder).order.deadline;
    expect(resumed - alice.deadline!).toBeGreaterThanOrEqual(0);
    expect(resumed - alice.deadline!).toBeLessThan(5_000);
    const ext = await asProctor(server, 'POST', `/api/proctor/sessions/${alice.sessionId}/orders`, { action: 'extend', extendMinutes: 15, reason: 'fire alarm' });
    expect((ext.body as SignedProctorOrder).order).toMatchObject({ seq: 3, extendMinutes: 15, deadline: resumed + 15 * 60_000 });
    const status = await call(server, 'GET', `/api/sessions/${alice.sessionId}/status`, undefined, { authorization: `Bearer ${alice.token}` });
    expect((status.body as { deadline: number }).deadline).toBe(resumed + 15 * 60_000);

    const pulled = await call(server, 'GET', `/api/sessions/${alice.sessionId}/orders`, undefined, { authorization: `Bearer ${alice.token}` });
    const orders = (pulled.body as { orders: SignedProctorOrder[] }).orders;
    expect(orders.map((o) => o.order.action)).toEqual(['lock', 'unlock', 'extend']);
    const inbox = new ProctorOrderInbox(alice.serverPublicKey!, alice.sessionId, Date.now);
    expect(orders.map((o) => inbox.receive(o).kind)).toEqual(['apply', 'apply', 'apply']);
    // Replaying the first lock after the unlock does nothing.
    expect(inbox.receive(orders[0]).kind).toBe('refuse');
  });

  it('refuses a student issuing an order, a bad request, an unknown attempt; pulling needs the attempt token', async () => {
    const alice = await aliceRegistered();
    const asStudent = await call(server, 'POST', `/api/proctor/sessions/${alice.sessionId}/orders`, { action: 'unlock', reason: 'me' }, { authorization: `Bearer ${alice.token}` });
    expect(asStudent.status).toBe(403);
    for (const [body, message] of [
      [{ action: 'extend', reason: 'x' }, /extendMinutes \(1-1440\) is required for extend/],
      [{ action: 'lock', extendMinutes: 5, reason: 'x' }, /only for extend/],
      [{ action: 'pause', reason: 'x' }, /action/],
      [{ action: 'lock', reason: '   ' }, /reason/],
    ] as const) {
      const res = await asProctor(server, 'POST', `/api/proctor/sessions/${alice.sessionId}/orders`, body);
      expect(res.status).toBe(400);
      expect((res.body as { message: string }).message).toMatch(message);
    }
    expect((await asProctor(server, 'POST', '/api/proctor/sessions/nobody/orders', { action: 'lock', reason: 'x' })).status).toBe(404);
    expect((await call(server, 'GET', `/api/sessions/${alice.sessionId}/orders`)).status).toBe(401);
    expect((await asProctor(server, 'GET', `/api/proctor/sessions/${alice.sessionId}/orders`)).body).toMatchObject({ orders: [] });
  });

  it('the server key survives a restart on the same data', async () => {
    const alice = await aliceRegistered();
    const again = await startExamServer({ store: server.store });
    try {
      expect((await call(again, 'GET', '/api/server-key')).body).toMatchObject({ publicKey: alice.serverPublicKey });
    } finally {
      await again.close();
    }
  });
});
