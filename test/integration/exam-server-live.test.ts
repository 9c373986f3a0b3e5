import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExamServer } from '../../src-server/exam-server';
import { register, startServerWithDemoExam } from '../exam-server-fixture';

// The seed's Flask-SocketIO channel, spoken by socket.io-client as a seed page would.

let server: ExamServer;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await server?.close();
});

async function twoStudents(opts: { liveWindowMs?: number } = {}) {
  const started = await startServerWithDemoExam({ ...opts, students: ['alice', 'bob'] });
  server = started.server;
  const alice = await register(server, 'alice', started.roster.codes.alice!);
  const bob = await register(server, 'bob', started.roster.codes.bob!);
  return { alice, bob };
}

function connect(auth: Record<string, unknown> | undefined, query?: Record<string, string>): Socket {
  const s = io(server.url, { auth, query, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  return s;
}

const connected = (s: Socket) =>
  new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
const refusedWith = (s: Socket) => new Promise<string>((resolve) => s.once('connect_error', (e) => resolve(e.message)));
const send = (s: Socket, event: string, ...payload: unknown[]) => s.timeout(5000).emitWithAck(event, ...payload) as Promise<{ ok: boolean; error?: string }>;

describe('Socket.IO channel (the seed events)', () => {
  it('takes the seed events and sends high_risk_alert when focus losses push the score up', async () => {
    const { alice } = await twoStudents();
    const s = connect({ token: alice.token });
    await connected(s);
    const alerts: { risk_score: number; message: string; locked: boolean; reasons: { code: string }[] }[] = [];
    s.on('high_risk_alert', (a) => alerts.push(a));
    expect(await send(s, 'mouse_data', [{ x: 1, y: 2, t: 0 }, { x: 40, y: 2, t: 100 }])).toEqual({ ok: true });
    expect(await send(s, 'keystroke_data', { down: 1000, up: 1090 })).toEqual({ ok: true });
    expect(await send(s, 'keystroke_data', [{ dwell: 80, flight: 120 }])).toEqual({ ok: true });
    expect(await send(s, 'copy_event', {})).toEqual({ ok: true });
    expect(await send(s, 'paste_event')).toEqual({ ok: true });
    // 20 points each: the first warning (40) comes with the second loss.
    for (let i = 0; i < 5; i++) {
      expect(await send(s, 'focus_change', { focused: false })).toEqual({ ok: true });
      expect(await send(s, 'focus_change', { focused: true })).toEqual({ ok: true });
    }
    await expect.poll(() => alerts.length).toBeGreaterThanOrEqual(3);
    expect(alerts[0]!.risk_score).toBe(40);
    expect(alerts[0]!.message).toMatch(/risk score is 40\/100 because: left the exam window/);
    expect(alerts.at(-1)).toMatchObject({ risk_score: 100, locked: true });
    expect(server.live.counts(alice.sessionId)).toMatchObject({ received: 15, refused: 0, accepted: { focus_change: 10, mouse_data: 1, keystroke_data: 2, copy_event: 1, paste_event: 1 } });
    expect(server.scorer.state(alice.sessionId)!.score).toBe(100);
  });

  it('scores the streamed window with the detectors: focus losses reach focus_collapse', async () => {
    const { alice } = await twoStudents({ liveWindowMs: 300 });
    const s = connect({ token: alice.token });
    await connected(s);
    await send(s, 'focus_change', { state: 'hidden' });
    await send(s, 'focus_change', { state: 'visible' });
    await send(s, 'focus_change', { hasFocus: false });
    await expect.poll(() => server.scorer.state(alice.sessionId)?.reasons.map((r) => r.code), { timeout: 3000 }).toContain('focus_collapse');
  });

  it.each([
    ['an unknown event name', ['answer_key', { q: 1 }], /unknown event "answer_key": this server takes mouse_data, keystroke_data/],
    ['a malformed mouse_data', ['mouse_data', { x: 'left' }], /malformed mouse_data: x: .*number/],
    ['a key released before it was pressed', ['keystroke_data', { down: 10, up: 5 }], /malformed keystroke_data/],
    ['a focus_change without a state', ['focus_change', 'blur'], /malformed focus_change/],
    ['an oversized payload', ['mouse_data', { x: 1, y: 2, junk: 'x'.repeat(70_000) }], /payload of \d+ bytes is over the 65536-byte limit/],
    ['a batch too long', ['keystroke_data', Array.from({ length: 501 }, () => ({ dwell: 80 }))], /malformed keystroke_data/],
  ])('refuses %s with a clear error; the connection and the other student stay up', async (_what, [event, payload], message) => {
    const { alice, bob } = await twoStudents();
    const a = connect({ token: alice.token });
    const b = connect({ token: bob.token });
    await Promise.all([connected(a), connected(b)]);
    const refused = new Promise<{ event: string; message: string }>((resolve) => a.once('event_refused', resolve));
    const answer = await send(a, event as string, payload);
    expect(answer.ok).toBe(false);
    expect(answer.error).toMatch(message);
    expect((await refused).message).toMatch(message);
    expect(a.connected).toBe(true);
    expect(await send(a, 'copy_event', {})).toEqual({ ok: true });
    expect(await send(b, 'focus_change', { focused: false })).toEqual({ ok: true });
    expect(server.live.counts(alice.sessionId)).toMatchObject({ refused: 1, accepted: { copy_event: 1 } });
    expect(server.live.counts(bob.sessionId)).toMatchObject({ refused: 0, accepted: { focus_change: 1 } });
    expect(server.scorer.state(alice.sessionId)).toBeNull();
  });

  it('refuses a connection without a token or with a wrong one, with a message; the server stays up', async () => {
    const { alice } = await twoStudents();
    expect(await refusedWith(connect(undefined))).toMatch(/needs the attempt token from registration/);
    expect(await refusedWith(connect({ token: 'vat1.YWxpY2U.forged' }))).toMatch(/attempt token is not valid on this server/);
    expect(await refusedWith(connect({ token: alice.token.slice(0, -2) + 'xx' }))).toMatch(/not valid/);
    const viaQuery = connect(undefined, { token: alice.token });
    await connected(viaQuery);
    expect(await send(viaQuery, 'copy_event', {})).toEqual({ ok: true });
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
  });

  it('a student only hears their own alerts', async () => {
    const { alice, bob } = await twoStudents();
    const a = connect({ token: alice.token });
    const b = connect({ token: bob.token });
    await Promise.all([connected(a), connected(b)]);
    let bobHeard = 0;
    b.on('high_risk_alert', () => bobHeard++);
    const aliceAlert = new Promise((resolve) => a.once('high_risk_alert', resolve));
    for (let i = 0; i < 2; i++) {
      await send(a, 'focus_change', { focused: false });
      await send(a, 'focus_change', { focused: true });
    }
    await aliceAlert;
    await send(b, 'copy_event', {});
    expect(bobHeard).toBe(0);
  });
});
