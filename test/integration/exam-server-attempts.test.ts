import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeKey } from '../../src-main/audit/keyed-chain';
import type { RegistrationResponse } from '../../src-main/contract/exam-server-api';
import { startExamServer, type ExamServer } from '../../src-server/exam-server';
import {
  DEMO_EXAM,
  POLICY_HASH,
  asProctor,
  call,
  register,
  registration,
  sealedLog,
  sendCheckpoint,
  startServerWithDemoExam,
  upload,
} from '../exam-server-fixture';

// Registration, authenticated uploads, checkpoints, key escrow and the proctor's key read,
// against the real server over loopback.

const MINUTE = 60_000;
let servers: ExamServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
  servers = [];
});

async function start(opts: Parameters<typeof startServerWithDemoExam>[0] = {}) {
  const started = await startServerWithDemoExam(opts);
  servers.push(started.server);
  return started;
}

/** A server clock the test moves. */
function clock(start = Date.UTC(2026, 10, 26, 9, 0, 0)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('registration', () => {
  it('returns the session id, K_0, the server time, the server deadline, a token and the exam', async () => {
    const time = clock();
    const { server, roster } = await start({ now: time.now });
    const r = await register(server, 'alice', roster.codes.alice!);
    expect(r.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(decodeKey(r.k0!)).toHaveLength(32);
    expect(r).toMatchObject({
      serverTime: time.now(),
      startedAt: time.now(),
      deadline: time.now() + DEMO_EXAM.durationMinutes * MINUTE,
      origin: 'online',
      attempt: { number: 1, secondAttemptOf: null, flags: [] },
      exam: DEMO_EXAM,
    });
    expect(r.token).toMatch(/^vat1\./);
    const other = await register(server, 'bob', roster.codes.bob!);
    expect(other.k0).not.toBe(r.k0);
    expect(other.token).not.toBe(r.token);
  });

  it('the deadline is the server clock plus the duration; nothing the client sends moves it', async () => {
    const time = clock();
    const { server, roster } = await start({ now: time.now });
    const r = await register(server, 'alice', roster.codes.alice!, { startedAt: time.now() + 10 * MINUTE, deadline: time.now() + 999 * MINUTE, clientTime: 0 });
    expect(r.deadline).toBe(time.now() + 45 * MINUTE);
    // Its own view of the attempt says the same later on.
    time.advance(30 * MINUTE);
    const view = await asProctor(server, 'GET', `/api/proctor/sessions/${r.sessionId}`);
    expect(view.body).toMatchObject({ attempt: { deadline: r.deadline, startedAt: r.startedAt, origin: 'online' }, submission: null });
    // A submission that arrives after the server's deadline is shown as such to the proctor.
    time.advance(20 * MINUTE);
    expect((await upload(server, `/api/submissions/${r.sessionId}/alice`, { answers: {} }, r.token)).status).toBe(201);
    expect((await asProctor(server, 'GET', `/api/proctor/sessions/${r.sessionId}`)).body).toMatchObject({
      submission: { receivedAt: new Date(time.now()).toISOString(), receivedAfterDeadlineMs: 5 * MINUTE },
    });
  });

  it('refuses a wrong or missing access code, an unknown student or exam, and a malformed body, each with a message', async () => {
    const { server, roster } = await start();
    const wrong = await call(server, 'POST', '/api/sessions', registration('alice', roster.codes.bob!));
    expect(wrong).toMatchObject({ status: 403, body: { message: `unknown student or wrong access code for exam ${DEMO_EXAM.id}`, reason: 'bad_access_code' } });
    const stranger = await call(server, 'POST', '/api/sessions', registration('mallory', roster.codes.alice!));
    expect(stranger).toMatchObject({ status: 403, body: { message: (wrong.body as { message: string }).message } });
    expect(await call(server, 'POST', '/api/sessions', registration('alice', roster.codes.alice!, { examId: 'nope' }))).toMatchObject({
      status: 404,
      body: { message: 'there is no exam "nope" on this server' },
    });
    const bad = await call(server, 'POST', '/api/sessions', { examId: DEMO_EXAM.id, studentId: 'alice', policyHash: 'xyz' });
    expect(bad.status).toBe(400);
    expect((bad.body as { message: string }).message).toMatch(/deviceId[\s\S]*policyHash[\s\S]*accessCode|policyHash/);
    expect(await call(server, 'POST', '/api/sessions', 'not json{')).toMatchObject({ status: 400, body: { message: expect.stringMatching(/not valid JSON/) } });
    // Codes are forgiving about case and dashes, not about content.
    const code = roster.codes.alice!.toLowerCase().replace('-', ' ');
    expect((await call(server, 'POST', '/api/sessions', registration('alice', code))).status).toBe(201);
    expect(await asProctor(server, 'GET', `/api/proctor/exams/${DEMO_EXAM.id}/attempts`)).toMatchObject({ body: { attempts: [{ studentId: 'alice' }] } });
  });

  it('an exam that pins a policy refuses an app running another one', async () => {
    const { server, roster } = await start({ requiredPolicyHash: POLICY_HASH });
    expect((await call(server, 'POST', '/api/sessions', registration('alice', roster.codes.alice!, { policyHash: 'f'.repeat(64) }))).body).toMatchObject({
      reason: 'policy_mismatch',
    });
    expect((await register(server, 'alice', roster.codes.alice!)).sessionId).toBeTruthy();
  });

  it('secondAttempt "refuse": a second registration is refused and names the first attempt', async () => {
    const { server, roster } = await start({ secondAttempt: 'refuse' });
    const first = await register(server, 'alice', roster.codes.alice!);
    const again = await call(server, 'POST', '/api/sessions', registration('alice', roster.codes.alice!, { deviceId: 'other-laptop' }));
    expect(again).toMatchObject({ status: 409, body: { reason: 'second_attempt', existingSessionId: first.sessionId } });
    expect((again.body as { message: string }).message).toMatch(/^student alice already has an attempt at exam demo-physics-101/);
    expect((await asProctor(server, 'GET', `/api/proctor/exams/${DEMO_EXAM.id}/attempts`)).body).toMatchObject({ attempts: [{ sessionId: first.sessionId }] });
  });

  it('secondAttempt "flag": a new attempt, marked, with a new key and the first attempt\'s deadline', async () => {
    const time = clock();
    const { server, roster } = await start({ secondAttempt: 'flag', now: time.now });
    const first = await register(server, 'alice', roster.codes.alice!);
    time.advance(20 * MINUTE);
    const second = await register(server, 'alice', roster.codes.alice!);
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(second.k0).not.toBe(first.k0);
    expect(second).toMatchObject({ deadline: first.deadline, startedAt: time.now(), attempt: { number: 2, secondAttemptOf: first.sessionId, flags: ['second-attempt'] } });
    const list = (await asProctor(server, 'GET', `/api/proctor/exams/${DEMO_EXAM.id}/attempts`)).body as { attempts: { attemptNumber: number; flags: string[]; k0?: string }[] };
    expect(list.attempts.map((a) => [a.attemptNumber, a.flags])).toEqual([
      [1, []],
      [2, ['second-attempt']],
    ]);
    expect(list.attempts.every((a) => a.k0 === undefined)).toBe(true);
  });

  it('a retried registration with the same Idempotency-Key gets the same attempt, not a second one', async () => {
    const { server, roster } = await start({ secondAttempt: 'refuse' });
    const body = registration('alice', roster.codes.alice!);
    const first = await call(server, 'POST', '/api/sessions', body, { 'idempotency-key': 'reg-1' });
    const retry = await call(server, 'POST', '/api/sessions', body, { 'idempotency-key': 'reg-1' });
    expect(first.status).toBe(201);
    expect(retry).toMatchObject({ status: 201, body: first.body });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('authenticated uploads', () => {
  it('stores flags and a submission sent with the attempt token; the session view needs the token or a proctor', async () => {
    const { server, roster } = await start();
    const a = await register(server, 'alice', roster.codes.alice!);
    const b = await register(server, 'bob', roster.codes.bob!);
    expect(await upload(server, `/api/flagged-activity/${a.sessionId}/alice`, { level: 'high' }, a.token, 'f1')).toMatchObject({
      status: 201,
      body: { ok: true, id: 'f1', stored: 'flag' },
    });
    expect((await upload(server, `/api/submissions/${a.sessionId}/alice`, { answers: { q1: 'c' } }, a.token, 's1')).status).toBe(201);
    const own = await call(server, 'GET', `/api/sessions/${a.sessionId}`, undefined, { authorization: `Bearer ${a.token}` });
    expect(own.body).toMatchObject({ sessionId: a.sessionId, flags: [{ studentId: 'alice', idempotencyKey: 'f1', body: { level: 'high' } }], submissions: [{ body: { answers: { q1: 'c' } } }] });
    expect((await asProctor(server, 'GET', `/api/sessions/${a.sessionId}`)).body).toEqual(own.body);
    expect((await call(server, 'GET', `/api/sessions/${a.sessionId}`, undefined, { authorization: `Bearer ${b.token}` })).status).toBe(403);
    expect((await call(server, 'GET', `/api/sessions/${a.sessionId}`)).status).toBe(401);
    expect(server.sessions()).toEqual({ [a.sessionId]: own.body });
  });

  it('keeps Idempotency-Key semantics: a retry is answered again without a second copy; the key on other content is a 422', async () => {
    const { server, roster } = await start();
    const a = await register(server, 'alice', roster.codes.alice!);
    const path = `/api/flagged-activity/${a.sessionId}/alice`;
    const first = await upload(server, path, { n: 1 }, a.token, 'same');
    const again = await upload(server, path, { n: 1 }, a.token, 'same');
    expect(again).toMatchObject({ status: first.status, body: first.body });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await upload(server, path, { n: 2 }, a.token, 'same')).toMatchObject({ status: 422 });
    expect((await upload(server, path, { n: 2 }, a.token, 'other')).status).toBe(201);
    expect(server.sessions()[a.sessionId]!.flags).toHaveLength(2);
    const noKey = await call(server, 'POST', path, { n: 3 }, { authorization: `Bearer ${a.token}` });
    expect(noKey).toMatchObject({ status: 400, body: { message: 'the Idempotency-Key header is required' } });
  });

  it('fault injection still works on authenticated uploads and checkpoints', async () => {
    const { server, roster } = await start();
    const a = await register(server, 'alice', roster.codes.alice!);
    server.injectFault('server-error');
    expect((await upload(server, `/api/flagged-activity/${a.sessionId}/alice`, { n: 1 }, a.token, 'e1')).status).toBe(500);
    server.injectFault('malformed-ack');
    const [cp] = sealedLog(a.k0!, 1);
    expect(await sendCheckpoint(server, a, cp!, 'c1')).toMatchObject({ status: 200, body: expect.stringMatching(/^<html>/) });
    expect(await sendCheckpoint(server, a, cp!, 'c1')).toMatchObject({ status: 201, body: { ok: true, id: 'c1', stored: 'checkpoint', seq: 1 } });
    server.setAvailable(false);
    expect((await sendCheckpoint(server, a, cp!)).status).toBe(503);
  });
});

describe('checkpoints', () => {
  it('accepts checkpoints that extend the last, verified from K_0, and a resend of the last one', async () => {
    const { server, roster } = await start();
    const a = await register(server, 'alice', roster.codes.alice!);
    const log = sealedLog(a.k0!, 300);
    for (const seq of [1, 50, 51, 200, 300]) {
      expect(await sendCheckpoint(server, a, log[seq - 1]!)).toMatchObject({ status: 201, body: { stored: 'checkpoint', seq } });
    }
    expect((await sendCheckpoint(server, a, log[299]!)).status).toBe(201);
    const view = (await asProctor(server, 'GET', `/api/proctor/sessions/${a.sessionId}`)).body;
    expect(view).toMatchObject({ checkpoints: { accepted: 5, last: { seq: 300, hash: log[299]!.hash }, refused: [] } });
  });

  it("a restarting client reads its attempt's status: server time, deadline, last checkpoint, submitted", async () => {
    const time = clock();
    const { server, roster } = await start({ now: time.now });
    const a = await register(server, 'alice', roster.codes.alice!);
    const status = (token: string) => call(server, 'GET', `/api/sessions/${a.sessionId}/status`, undefined, { authorization: `Bearer ${token}` });
    expect((await status(a.token)).body).toEqual({
      sessionId: a.sessionId,
      serverTime: time.now(),
      startedAt: a.startedAt,
      deadline: a.deadline,
      examStartedAt: a.startedAt,
      startBy: null,
      origin: 'online',
      lastCheckpoint: null,
      submitted: false,
    });
    time.advance(5 * MINUTE);
    const log = sealedLog(a.k0!, 12);
    expect((await sendCheckpoint(server, a, log[11]!)).status).toBe(201);
    expect((await upload(server, `/api/submissions/${a.sessionId}/alice`, { answers: {} }, a.token)).status).toBe(201);
    expect((await status(a.token)).body).toMatchObject({ serverTime: time.now(), lastCheckpoint: { seq: 12, hash: log[11]!.hash }, submitted: true });
    const bob = await register(server, 'bob', roster.codes.bob!);
    expect((await status(bob.token)).status).toBe(403);
    expect((await call(server, 'GET', `/api/sessions/${a.sessionId}/status`)).status).toBe(401);
  });

  it('refuses a malformed checkpoint with a 400 that names the field', async () => {
    const { server, roster } = await start();
    const a = await register(server, 'alice', roster.codes.alice!);
    const r = await sendCheckpoint(server, a, { seq: 0, hash: 'x', tag: 'y' });
    expect(r.status).toBe(400);
    expect((r.body as { message: string }).message).toMatch(/seq[\s\S]*hash[\s\S]*tag/);
  });
});

describe('offline start: key escrow', () => {
  const escrow = (server: ExamServer, sessionId: string, body: Record<string, unknown>) => call(server, 'POST', `/api/sessions/${sessionId}/key-escrow`, body);

  it('registers an attempt the client started offline, marked, with its own K_0, a deadline never later than escrow time + duration', async () => {
    const time = clock();
    const { server, roster } = await start({ now: time.now });
    const k0 = randomBytes(32).toString('base64');
    const startedAt = time.now() - 10 * MINUTE;
    const res = await escrow(server, 'offline-abc', { ...registration('alice', roster.codes.alice!), k0, clientStartedAt: startedAt });
    expect(res.status).toBe(201);
    const r = res.body as RegistrationResponse;
    expect(r).toMatchObject({ sessionId: 'offline-abc', origin: 'offline-started', startedAt, deadline: startedAt + 45 * MINUTE, attempt: { flags: ['offline-started'] } });
    expect(r.k0).toBeUndefined();
    // Checkpoints verify from the escrowed key.
    expect((await sendCheckpoint(server, r, sealedLog(k0, 40)[39]!)).status).toBe(201);
    expect((await asProctor(server, 'GET', '/api/proctor/sessions/offline-abc/key')).body).toMatchObject({ k0, origin: 'offline-started' });
    // A claimed start after the escrow cannot buy time: it is capped at the server's now.
    const late = await escrow(server, 'offline-bob', { ...registration('bob', roster.codes.bob!), k0, clientStartedAt: time.now() + 4 * MINUTE });
    expect(late.body).toMatchObject({ startedAt: time.now(), deadline: time.now() + 45 * MINUTE });
  });

  it('the same escrow again gets the same answer; a new key for the session is refused; the future and bad keys are 400', async () => {
    const time = clock();
    const { server, roster } = await start({ now: time.now });
    const k0 = randomBytes(32).toString('base64');
    const body = { ...registration('alice', roster.codes.alice!), k0, clientStartedAt: time.now() };
    const first = await escrow(server, 'off-1', body);
    const again = await escrow(server, 'off-1', body);
    expect(again).toMatchObject({ status: 200, body: { sessionId: 'off-1', token: (first.body as RegistrationResponse).token } });
    const swapped = await escrow(server, 'off-1', { ...body, k0: randomBytes(32).toString('base64') });
    expect(swapped).toMatchObject({ status: 409, body: { reason: 'session_exists', message: 'session off-1 is already registered; its key cannot be replaced' } });
    expect((await escrow(server, 'off-2', { ...registration('bob', roster.codes.bob!), k0, clientStartedAt: time.now() + 60 * MINUTE })).status).toBe(400);
    expect((await escrow(server, 'off-2', { ...registration('bob', roster.codes.bob!), k0: 'AAAA', clientStartedAt: time.now() })).status).toBe(400);
    expect((await escrow(server, 'off-2', { ...registration('bob', 'WRONG-CODE'), k0, clientStartedAt: time.now() })).status).toBe(403);
    // An escrow is an attempt like any other: alice's second one is refused.
    expect(await escrow(server, 'off-3', { ...body })).toMatchObject({ status: 409, body: { reason: 'second_attempt', existingSessionId: 'off-1' } });
  });
});

describe("the proctor's read of K_0", () => {
  it('gives K_0 for an attempt with the proctor credential only', async () => {
    const { server, roster } = await start();
    const a = await register(server, 'alice', roster.codes.alice!);
    expect(await asProctor(server, 'GET', `/api/proctor/sessions/${a.sessionId}/key`)).toMatchObject({
      status: 200,
      body: { sessionId: a.sessionId, k0: a.k0, encoding: 'base64' },
    });
    expect((await call(server, 'GET', `/api/proctor/sessions/${a.sessionId}/key`)).status).toBe(401);
    expect((await call(server, 'GET', `/api/proctor/sessions/${a.sessionId}/key`, undefined, { authorization: `Bearer ${a.token}` })).status).toBe(403);
    expect((await call(server, 'GET', `/api/proctor/sessions/${a.sessionId}/key`, undefined, { authorization: 'Bearer proctor-credential-012345678X' })).status).toBe(403);
    expect((await asProctor(server, 'GET', '/api/proctor/sessions/nobody/key')).status).toBe(404);
  });

  it('a server without a proctor credential keeps proctor routes closed', async () => {
    const server = await startExamServer();
    servers.push(server);
    expect(await call(server, 'GET', '/api/proctor/sessions/x/key', undefined, { authorization: 'Bearer anything-at-all-here' })).toMatchObject({
      status: 403,
      body: { message: 'no proctor credential is configured on this server, so proctor routes are closed' },
    });
  });

  it('refuses exam settings that are not an exam, and an exam id that does not match the path', async () => {
    const { server } = await start();
    expect((await asProctor(server, 'PUT', `/api/proctor/exams/${DEMO_EXAM.id}`, { exam: { ...DEMO_EXAM, questions: [] } })).status).toBe(400);
    expect((await asProctor(server, 'PUT', '/api/proctor/exams/other', { exam: DEMO_EXAM })).status).toBe(400);
    expect((await asProctor(server, 'PUT', `/api/proctor/exams/${DEMO_EXAM.id}`, { exam: DEMO_EXAM, secondAttempt: 'maybe' })).status).toBe(400);
    expect((await asProctor(server, 'POST', '/api/proctor/exams/none/access-codes', { studentIds: ['x'] })).status).toBe(404);
  });

  it('issues access codes once; a reissue replaces the old code', async () => {
    const { server, roster } = await start();
    const path = `/api/proctor/exams/${DEMO_EXAM.id}/access-codes`;
    expect((await asProctor(server, 'POST', path, { studentIds: ['alice', 'carol'] })).body).toMatchObject({ codes: [{ studentId: 'carol' }], unchanged: ['alice'] });
    const re = (await asProctor(server, 'POST', path, { studentIds: ['alice'], reissue: true })).body as { codes: { accessCode: string }[] };
    expect((await call(server, 'POST', '/api/sessions', registration('alice', roster.codes.alice!))).status).toBe(403);
    expect((await register(server, 'alice', re.codes[0]!.accessCode)).sessionId).toBeTruthy();
  });
});
