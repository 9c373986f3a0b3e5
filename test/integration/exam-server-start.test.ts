import { afterEach, describe, expect, it } from 'vitest';
import type { AttemptStatus, ExamStartResponse, RegistrationResponse } from '../../src-main/contract/exam-server-api';
import type { SignedProctorOrder } from '../../src-main/contract/proctor-order';
import type { ExamServer } from '../../src-server/exam-server';
import { DEMO_EXAM, asProctor, call, register, startServerWithDemoExam } from '../exam-server-fixture';

// The exam's time starts at Start, on the server (exam-start-route.ts), and a proctor's pause
// gives its time back at the unlock (pause-credit.ts): against the real server over loopback,
// on a server clock the test moves.

const MINUTE = 60_000;
const DURATION = DEMO_EXAM.durationMinutes * MINUTE;
let servers: ExamServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
  servers = [];
});

function clock(start = Date.UTC(2026, 10, 26, 9, 0, 0)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function setUp(opts: Parameters<typeof startServerWithDemoExam>[0] = {}) {
  const time = clock();
  const started = await startServerWithDemoExam({ now: time.now, ...opts });
  servers.push(started.server);
  return { time, ...started };
}

const bearer = (a: { token: string }) => ({ authorization: `Bearer ${a.token}` });
const startExam = (server: ExamServer, a: RegistrationResponse, body?: unknown) =>
  call(server, 'POST', `/api/sessions/${a.sessionId}/start`, body ?? {}, bearer(a));
const status = async (server: ExamServer, a: RegistrationResponse) =>
  (await call(server, 'GET', `/api/sessions/${a.sessionId}/status`, undefined, bearer(a))).body as AttemptStatus;
const order = (server: ExamServer, a: { sessionId: string }, body: unknown) => asProctor(server, 'POST', `/api/proctor/sessions/${a.sessionId}/orders`, body);

describe('the exam time starts at Start (awaitsCheck)', () => {
  it('registration gives no deadline, only when the time starts at the latest; Start starts it on the server clock', async () => {
    const { server, roster, time } = await setUp();
    const registeredAt = time.now();
    const a = await register(server, 'alice', roster.codes.alice!, { awaitsCheck: true });
    expect(a).toMatchObject({ deadline: null, examStartedAt: null, startBy: registeredAt + 15 * MINUTE, startedAt: registeredAt });
    expect(a.k0).toBeTruthy();
    expect(await status(server, a)).toMatchObject({ deadline: null, examStartedAt: null, startBy: registeredAt + 15 * MINUTE });

    time.advance(7 * MINUTE); // fixing the machine: not exam time
    const res = await startExam(server, a);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ sessionId: a.sessionId, serverTime: time.now(), examStartedAt: time.now(), deadline: time.now() + DURATION });
    expect(await status(server, a)).toMatchObject({ deadline: time.now() + DURATION, examStartedAt: time.now(), startBy: null });
  });

  it('a second Start (a retry, a restart) gets the same start and deadline; so does a resume read', async () => {
    const { server, roster, time } = await setUp();
    const a = await register(server, 'alice', roster.codes.alice!, { awaitsCheck: true });
    time.advance(2 * MINUTE);
    const first = (await startExam(server, a)).body as ExamStartResponse;
    time.advance(10 * MINUTE);
    const again = await startExam(server, a, { clientStartedAt: time.now() });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ examStartedAt: first.examStartedAt, deadline: first.deadline, serverTime: time.now() });
    expect(await status(server, a)).toMatchObject({ examStartedAt: first.examStartedAt, deadline: first.deadline });
  });

  it('delaying Start gains nothing past the check window: the time starts at startBy anyway', async () => {
    const { server, roster, time } = await setUp();
    const a = await register(server, 'alice', roster.codes.alice!, { awaitsCheck: true });
    time.advance(40 * MINUTE); // reading the exam out of the database instead of starting
    const res = (await startExam(server, a)).body as ExamStartResponse;
    expect(res.examStartedAt).toBe(a.startBy);
    expect(res.deadline).toBe(a.startBy! + DURATION);
    expect(res.deadline - time.now()).toBe(DURATION - 25 * MINUTE);
  });

  it('the exam sets the check window (maxCheckMinutes); 0 means the time runs from registration', async () => {
    const { server, roster, time } = await setUp();
    const put = await asProctor(server, 'PUT', `/api/proctor/exams/${DEMO_EXAM.id}`, { exam: DEMO_EXAM, maxCheckMinutes: 0 });
    expect(put.body).toMatchObject({ maxCheckMinutes: 0 });
    const a = await register(server, 'alice', roster.codes.alice!, { awaitsCheck: true });
    expect(a.startBy).toBe(time.now());
    time.advance(3 * MINUTE);
    expect(((await startExam(server, a)).body as ExamStartResponse).deadline).toBe(a.startedAt + DURATION);
    const bad = await asProctor(server, 'PUT', `/api/proctor/exams/${DEMO_EXAM.id}`, { exam: DEMO_EXAM, maxCheckMinutes: 600 });
    expect(bad.status).toBe(400);
  });

  it("an offline start's claim is bounded: never before registration, after now, or after startBy", async () => {
    const { server, roster, time } = await setUp({ students: ['alice', 'bob', 'carol'] });
    const a = await register(server, 'alice', roster.codes.alice!, { awaitsCheck: true });
    const b = await register(server, 'bob', roster.codes.bob!, { awaitsCheck: true });
    const c = await register(server, 'carol', roster.codes.carol!, { awaitsCheck: true });
    time.advance(5 * MINUTE);
    // Honest: started offline 3 minutes ago, told now.
    expect(((await startExam(server, a, { clientStartedAt: time.now() - 3 * MINUTE })).body as ExamStartResponse).examStartedAt).toBe(time.now() - 3 * MINUTE);
    // A claim in the future (a clock set forward) is now; one before registration is registration.
    expect(((await startExam(server, b, { clientStartedAt: time.now() + 60 * MINUTE })).body as ExamStartResponse).examStartedAt).toBe(time.now());
    expect(((await startExam(server, c, { clientStartedAt: 1 })).body as ExamStartResponse).examStartedAt).toBe(c.startedAt);
    // A late report claiming a start long after the window is the window's end.
    const { server: s2, roster: r2, time: t2 } = await setUp();
    const d = await register(s2, 'alice', r2.codes.alice!, { awaitsCheck: true });
    t2.advance(90 * MINUTE);
    expect(((await startExam(s2, d, { clientStartedAt: t2.now() - MINUTE })).body as ExamStartResponse).examStartedAt).toBe(d.startBy);
  });

  it('needs the attempt token and refuses a bad body', async () => {
    const { server, roster } = await setUp();
    const a = await register(server, 'alice', roster.codes.alice!, { awaitsCheck: true });
    const b = await register(server, 'bob', roster.codes.bob!, { awaitsCheck: true });
    expect((await call(server, 'POST', `/api/sessions/${a.sessionId}/start`, {})).status).toBe(401);
    expect((await call(server, 'POST', `/api/sessions/${a.sessionId}/start`, {}, bearer(b))).status).toBe(403);
    expect((await startExam(server, a, { clientStartedAt: 'soon' })).status).toBe(400);
    expect((await startExam(server, a, { deadline: 1 })).status).toBe(400);
    expect(await status(server, a)).toMatchObject({ examStartedAt: null });
  });

  it('without awaitsCheck (an app with no system check) the time starts at registration, as before', async () => {
    const { server, roster, time } = await setUp();
    const a = await register(server, 'alice', roster.codes.alice!);
    expect(a).toMatchObject({ deadline: time.now() + DURATION, examStartedAt: time.now(), startBy: null });
    time.advance(5 * MINUTE);
    expect(((await startExam(server, a)).body as ExamStartResponse).deadline).toBe(a.deadline);
  });

  it("a flagged second attempt keeps the first one's deadline, however late it starts", async () => {
    const { server, roster, time } = await setUp({ secondAttempt: 'flag' });
    const first = await register(server, 'alice', roster.codes.alice!, { awaitsCheck: true });
    time.advance(MINUTE);
    const started = (await startExam(server, first)).body as ExamStartResponse;
    time.advance(10 * MINUTE);
    const second = await register(server, 'alice', roster.codes.alice!, { awaitsCheck: true });
    time.advance(MINUTE);
    expect(((await startExam(server, second)).body as ExamStartResponse).deadline).toBe(started.deadline);
  });

  it('an extension given during the check counts from the real start', async () => {
    const { server, roster, time } = await setUp();
    const a = await register(server, 'alice', roster.codes.alice!, { awaitsCheck: true });
    expect((await order(server, a, { action: 'extend', extendMinutes: 10, reason: 'accommodation' })).status).toBe(201);
    time.advance(2 * MINUTE);
    expect(((await startExam(server, a)).body as ExamStartResponse).deadline).toBe(time.now() + DURATION + 10 * MINUTE);
  });
});

describe("a proctor's pause gives its time back at the unlock", () => {
  it('the unlock moves the deadline by the span the pause was in force, signed', async () => {
    const { server, roster, time } = await setUp();
    const a = await register(server, 'alice', roster.codes.alice!, { awaitsCheck: true });
    time.advance(MINUTE);
    const { deadline } = (await startExam(server, a)).body as ExamStartResponse;
    time.advance(10 * MINUTE);
    expect((await order(server, a, { action: 'lock', reason: 'phone' })).status).toBe(201);
    time.advance(4 * MINUTE);
    // A second lock while paused does not restart the span.
    expect((await order(server, a, { action: 'lock', reason: 'still the phone' })).status).toBe(201);
    time.advance(3 * MINUTE);
    const unlock = (await order(server, a, { action: 'unlock', reason: 'thanks' })).body as SignedProctorOrder;
    expect(unlock.order).toMatchObject({ action: 'unlock', extendMinutes: 0, deadline: deadline + 7 * MINUTE });
    expect(unlock.signature).toMatch(/=$/);
    expect(await status(server, a)).toMatchObject({ deadline: deadline + 7 * MINUTE });
    // An unlock with no pause in force gives nothing.
    time.advance(MINUTE);
    expect(((await order(server, a, { action: 'unlock', reason: 'again' })).body as SignedProctorOrder).order.deadline).toBe(deadline + 7 * MINUTE);
  });

  it('a pause that runs past the deadline gives back the whole span; one begun after it gives nothing', async () => {
    const { server, roster, time } = await setUp({ students: ['alice', 'bob'] });
    const a = await register(server, 'alice', roster.codes.alice!);
    time.advance(DURATION - 2 * MINUTE);
    await order(server, a, { action: 'lock', reason: 'fire alarm' });
    time.advance(20 * MINUTE);
    const unlock = (await order(server, a, { action: 'unlock', reason: 'back in' })).body as SignedProctorOrder;
    expect(unlock.order.deadline - time.now()).toBe(2 * MINUTE);

    const b = await register(server, 'bob', roster.codes.bob!);
    time.advance(DURATION + MINUTE);
    await order(server, b, { action: 'lock', reason: 'late' });
    time.advance(5 * MINUTE);
    expect(((await order(server, b, { action: 'unlock', reason: 'late' })).body as SignedProctorOrder).order.deadline).toBe(b.deadline);
  });

  it('a pause before the exam has started is refused: there is no running time to stop', async () => {
    const { server, roster } = await setUp();
    const a = await register(server, 'alice', roster.codes.alice!, { awaitsCheck: true });
    const res = await order(server, a, { action: 'lock', reason: 'too early' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ reason: 'not_started' });
  });
});
