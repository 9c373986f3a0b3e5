import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { decodeKey } from '../../src-main/audit/keyed-chain';
import { PolicySchema, defaultPolicy } from '../../src-main/contract';
import type { Exam, Policy } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { attemptDatabaseFile } from '../../src-main/session/attempt-file';
import { configKey } from '../../src-main/exam/config-key';
import { SignInGate } from '../../src-main/session/sign-in-gate';
import type { ExamServer } from '../../src-server/exam-server';
import { FakeClock, SettableClock } from '../fake-clock';
import { readFileSync } from 'node:fs';
import { registrationFile } from '../../src-main/session/server-registration';
import { DEMO_EXAM, asProctor, register, sealedLog, sendCheckpoint, startServerWithDemoExam, type Roster } from '../exam-server-fixture';
import { unwrap } from '../unwrap';

// The app's side of the exam server (issue 8): the student signs in with an access code, the
// attempt is the server's (session id, K_0, exam, deadline, token), uploads carry the token,
// checkpoints reach the server and verify there, and starting over is caught. All over
// loopback against src-server, started in-process; none of it needs allowUnregisteredUploads.

const START = Date.UTC(2026, 10, 22, 9);
let dataDir: string;
let server: ExamServer;
let roster: Roster;
let demo: Exam;
const gates: SignInGate[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-register-'));
  const loaded = loadExamFile(DEMO_EXAM_FILE);
  if (!loaded.ok) throw new Error(loaded.error.message);
  demo = loaded.value;
});
afterEach(async () => {
  for (const g of gates.splice(0)) await g.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function setUp(opts: Parameters<typeof startServerWithDemoExam>[0] = {}) {
  ({ server, roster } = await startServerWithDemoExam({ log: () => {}, ...opts }));
}

function gate(clock: FakeClock, opts: { policy?: Policy; serverUrl?: string; log?: (line: string) => void } = {}): SignInGate {
  const g = new SignInGate({
    exam: demo,
    policy: opts.policy ?? defaultPolicy(),
    dataDir,
    scheduler: clock,
    serverUrl: opts.serverUrl ?? server.url,
    appVersion: '0.1.0-test',
    log: opts.log ?? (() => {}),
  });
  gates.push(g);
  return g;
}

async function proctorView(sessionId: string) {
  return (await asProctor(server, 'GET', `/api/proctor/sessions/${sessionId}`)).body as {
    attempt: { deviceId: string; appVersion: string; policyHash: string; flags: string[]; deadline: number };
    checkpoints: { accepted: number; last: { seq: number; hash: string } | null; refused: { reason: string }[] };
  };
}

describe('signing in to an exam on the server', () => {
  it('registers the attempt: the server\'s session, exam, K_0 and deadline; uploads carry the token', async () => {
    await setUp();
    // The server's copy of the exam differs from the installed demo: the server's is what runs.
    const serverExam = { ...DEMO_EXAM, title: 'Physics 101 (server copy)', durationMinutes: 30 };
    expect((await asProctor(server, 'PUT', `/api/proctor/exams/${DEMO_EXAM.id}`, { exam: serverExam, secondAttempt: 'refuse' })).status).toBe(200);
    const clock = new SettableClock(START);
    const g = gate(clock);

    const before = unwrap(await g.getSnapshot());
    expect(before.phase).toBe('sign_in');
    expect(before.exam.questions).toEqual([]);
    expect((await g.saveAnswer({ questionId: 'q1', value: 'c' })).ok).toBe(false);

    const snap = unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    expect(snap.phase).toBe('active');
    expect(snap.exam.title).toBe('Physics 101 (server copy)');
    expect(snap.studentId).toBe('alice');
    // 30 minutes of the server's clock, shown on this computer's clock.
    expect(snap.deadline! - clock.now()).toBeGreaterThan(29.9 * 60_000);
    expect(snap.deadline! - clock.now()).toBeLessThanOrEqual(30 * 60_000);

    const view = await proctorView(snap.sessionId);
    expect(view.attempt).toMatchObject({ appVersion: '0.1.0-test', policyHash: configKey(defaultPolicy()) });
    expect(view.attempt.deviceId).toMatch(/^[0-9a-f-]{36}$/);

    unwrap(await g.saveAnswer({ questionId: 'q1', value: 'c' }));
    unwrap(await g.submit({ confirm: true }));
    await g.flushUploads();
    expect(server.sessions()[snap.sessionId]?.submissions).toHaveLength(1);
    expect(unwrap(await g.getSnapshot()).submission?.delivered).toBe(true);
    // Every upload was authenticated: nothing was refused.
    expect(server.requests().filter((r) => r.status === 401 || r.status === 403)).toEqual([]);
    await g.close();

    // The exam recorded under the chain is the server's, and the chain verifies with the server's K_0.
    const k0 = ((await asProctor(server, 'GET', `/api/proctor/sessions/${snap.sessionId}/key`)).body as { k0: string }).k0;
    const store = AuditStore.open(attemptDatabaseFile(dataDir, DEMO_EXAM.id, 'alice'), { readonly: true });
    const started = store.entries().find((e) => e.kind === 'session_started')!;
    expect((started.payload as { exam: Exam; sessionId: string }).exam.title).toBe('Physics 101 (server copy)');
    expect((started.payload as { sessionId: string }).sessionId).toBe(snap.sessionId);
    expect(store.verify(decodeKey(k0))).toMatchObject({ ok: true });
    store.close();
  });

  it('a wrong access code, an unknown student and an empty form each get a clear refusal and open nothing', async () => {
    await setUp();
    const g = gate(new SettableClock(START));
    const wrong = await g.signIn({ studentId: 'alice', accessCode: 'not-the-code' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'bad_access_code', message: expect.stringMatching(/do not match/) } });
    const stranger = await g.signIn({ studentId: 'mallory', accessCode: roster.codes.alice! });
    expect(stranger).toMatchObject({ ok: false, error: { code: 'bad_access_code' } });
    expect(await g.signIn({ studentId: '  ', accessCode: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: 'Enter your student id.' } });
    expect(unwrap(await g.getSnapshot()).phase).toBe('sign_in');
    expect(((await asProctor(server, 'GET', `/api/proctor/exams/${DEMO_EXAM.id}/attempts`)).body as { attempts: unknown[] }).attempts).toEqual([]);
    // A right code afterwards still works.
    expect(unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! })).phase).toBe('active');
  });

  it('an unreachable server says so, and the student can try again', async () => {
    await setUp();
    const url = server.url;
    server.setAvailable(false);
    const g = gate(new SettableClock(START), { serverUrl: url });
    expect(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! })).toMatchObject({ ok: false, error: { code: 'server_unreachable' } });
    const nowhere = gate(new SettableClock(START), { serverUrl: 'http://127.0.0.1:9' });
    expect(await nowhere.signIn({ studentId: 'alice', accessCode: roster.codes.alice! })).toMatchObject({
      ok: false,
      error: { code: 'server_unreachable', message: expect.stringMatching(/cannot be reached/) },
    });
    server.setAvailable(true);
    expect(unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! })).phase).toBe('active');
  });

  it('a policy the exam does not accept is refused with its own message', async () => {
    await setUp({ requiredPolicyHash: configKey(defaultPolicy()) });
    const other = PolicySchema.parse({ schemaVersion: 1, windowSeconds: 7 });
    expect(await gate(new SettableClock(START), { policy: other }).signIn({ studentId: 'alice', accessCode: roster.codes.alice! })).toMatchObject({
      ok: false,
      error: { code: 'sign_in_refused', message: expect.stringMatching(/rules the exam server does not accept/) },
    });
  });

  it('a second attempt started elsewhere is refused with a message for the student', async () => {
    await setUp({ secondAttempt: 'refuse' });
    await register(server, 'alice', roster.codes.alice!);
    expect(await gate(new SettableClock(START)).signIn({ studentId: 'alice', accessCode: roster.codes.alice! })).toMatchObject({
      ok: false,
      error: { code: 'second_attempt', message: expect.stringMatching(/allows only one/) },
    });
  });
});

describe('the deadline is the server\'s', () => {
  it('setting the computer\'s clock back or forward moves neither the deadline nor the end of the exam', async () => {
    await setUp();
    const clock = new SettableClock(START);
    const g = gate(clock);
    const first = unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    const remaining = first.deadline! - clock.now();

    clock.setWallBy(-2 * 3600_000); // back two hours: would be two more hours on a wall-clock deadline
    clock.advanceBy(60_000);
    let snap = unwrap(await g.getSnapshot());
    expect(snap.deadline! - clock.now()).toBe(remaining - 60_000);

    clock.setWallBy(+5 * 3600_000); // forward five hours: must not end the exam either
    clock.advanceBy(60_000);
    snap = unwrap(await g.getSnapshot());
    expect(snap.phase).toBe('active');
    expect(snap.deadline! - clock.now()).toBe(remaining - 120_000);

    // The exam ends when the server's time is up, measured on the monotonic clock.
    clock.advanceBy(remaining - 120_000 - 1000);
    expect(unwrap(await g.getSnapshot()).phase).toBe('active');
    clock.advanceBy(1000);
    snap = unwrap(await g.getSnapshot());
    expect(snap.phase).toBe('submitted');
    expect(snap.submission?.reason).toBe('time_up');
  });

  it('a restart while online takes the deadline from the server, not from the local clock', async () => {
    await setUp();
    const clock = new SettableClock(START);
    const g = gate(clock);
    const first = unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    const serverDeadline = (await proctorView(first.sessionId)).attempt.deadline;
    unwrap(await g.saveAnswer({ questionId: 'q1', value: 'c' }));
    await g.close();

    const later = new SettableClock(START);
    later.setWallBy(-3600_000); // the clock was set back an hour while the app was closed
    const again = gate(later);
    expect(await again.signIn({ studentId: 'alice', accessCode: 'wrong' })).toMatchObject({ ok: false, error: { code: 'bad_access_code' } });
    const resumed = unwrap(await again.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    expect(resumed.sessionId).toBe(first.sessionId);
    expect(resumed.answers.q1?.value).toBe('c');
    // The deadline shown is the server's, mapped through the server's clock (not an hour more).
    const serverNow = Date.now();
    expect(Math.abs(resumed.deadline! - later.now() - (serverDeadline - serverNow))).toBeLessThan(5000);
  });
});

describe('checkpoints', () => {
  it('go to the server every N rows and at submit, and the server verifies them from K_0', async () => {
    await setUp();
    const policy = PolicySchema.parse({ schemaVersion: 1, checkpoints: { everyRows: 3, everySeconds: 600 } });
    const clock = new SettableClock(START);
    const g = gate(clock, { policy });
    const snap = unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    for (const v of ['a', 'b', 'c', 'd']) unwrap(await g.saveAnswer({ questionId: 'q1', value: v }));
    clock.advanceBy(1500);
    await g.flushUploads();
    let view = await proctorView(snap.sessionId);
    expect(view.checkpoints.accepted).toBe(1);
    expect(view.checkpoints.refused).toEqual([]);

    unwrap(await g.saveAnswer({ questionId: 'q3', value: 'F = ma' }));
    unwrap(await g.submit({ confirm: true }));
    await g.flushUploads();
    view = await proctorView(snap.sessionId);
    expect(view.checkpoints.accepted).toBe(2);
    expect(view.checkpoints.refused).toEqual([]);
    await g.close();
    // The server's last checkpoint is a row of the local log.
    const store = AuditStore.open(attemptDatabaseFile(dataDir, DEMO_EXAM.id, 'alice'), { readonly: true });
    expect(store.checkAnchor(view.checkpoints.last!)).toEqual({ ok: true });
    store.close();
  });

  it('every T seconds while rows are added, at most one per T', async () => {
    await setUp();
    const policy = PolicySchema.parse({ schemaVersion: 1, checkpoints: { everyRows: 1000, everySeconds: 30 } });
    const clock = new SettableClock(START);
    const g = gate(clock, { policy });
    const snap = unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    unwrap(await g.saveAnswer({ questionId: 'q1', value: 'a' }));
    clock.advanceBy(31_000);
    await g.flushUploads();
    expect((await proctorView(snap.sessionId)).checkpoints.accepted).toBe(1);
    clock.advanceBy(120_000); // the detectors' own rows keep coming: one checkpoint per 30 s at most
    await g.flushUploads();
    const accepted = (await proctorView(snap.sessionId)).checkpoints.accepted;
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(accepted).toBeLessThanOrEqual(1 + 4);
    expect((await proctorView(snap.sessionId)).checkpoints.refused).toEqual([]);
  });
});

describe('a checkpoint the server refuses', () => {
  it('is kept in the audit log and shown to the proctor, and answers go on being saved', async () => {
    await setUp();
    const policy = PolicySchema.parse({ schemaVersion: 1, checkpoints: { everyRows: 2, everySeconds: 600 } });
    const clock = new SettableClock(START);
    const g = gate(clock, { policy });
    const snap = unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    // Another copy of this attempt (same token, same K_0) got a longer history to the server first.
    const { token } = JSON.parse(readFileSync(registrationFile(dataDir, DEMO_EXAM.id, 'alice'), 'utf8')) as { token: string };
    const k0 = ((await asProctor(server, 'GET', `/api/proctor/sessions/${snap.sessionId}/key`)).body as { k0: string }).k0;
    expect((await sendCheckpoint(server, { sessionId: snap.sessionId, token }, sealedLog(k0, 50, 'elsewhere')[49]!)).status).toBe(201);

    unwrap(await g.saveAnswer({ questionId: 'q1', value: 'a' }));
    unwrap(await g.saveAnswer({ questionId: 'q1', value: 'b' }));
    clock.advanceBy(1500);
    await g.flushUploads();
    const view = await proctorView(snap.sessionId);
    expect(view.checkpoints.refused).toEqual([expect.objectContaining({ reason: 'truncated' })]);
    // Answers are not blocked by it.
    expect(unwrap(await g.saveAnswer({ questionId: 'q1', value: 'c' })).value).toBe('c');
    await g.close();
    const store = AuditStore.open(attemptDatabaseFile(dataDir, DEMO_EXAM.id, 'alice'), { readonly: true });
    const refusals = store.entries().filter((e) => e.kind === 'error' && (e.payload as { source?: string }).source === 'upload');
    store.close();
    expect(refusals).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ path: expect.stringMatching(/\/checkpoints$/), error: expect.stringMatching(/below the last accepted checkpoint/) }) }),
    ]);
  });
});

describe('deleting the database mid-exam and restarting', () => {
  it('is refused by the server when the exam allows one attempt, and the student is told why', async () => {
    await setUp({ secondAttempt: 'refuse' });
    const clock = new SettableClock(START);
    const g = gate(clock);
    unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    unwrap(await g.saveAnswer({ questionId: 'q1', value: 'c' }));
    await g.close();
    rmSync(dataDir, { recursive: true, force: true }); // the whole data folder, registration and all

    const after = await gate(new SettableClock(START + 60_000)).signIn({ studentId: 'alice', accessCode: roster.codes.alice! });
    expect(after).toMatchObject({ ok: false, error: { code: 'second_attempt', message: expect.stringMatching(/already has an attempt/) } });
  });

  it('is a new, flagged attempt with the first one\'s deadline when the exam flags instead', async () => {
    await setUp({ secondAttempt: 'flag' });
    const g = gate(new SettableClock(START));
    const first = unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    await g.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(attemptDatabaseFile(dataDir, DEMO_EXAM.id, 'alice') + suffix, { force: true });

    const clock = new SettableClock(START + 600_000);
    const second = unwrap(await gate(clock).signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    expect(second.sessionId).not.toBe(first.sessionId);
    const view = await proctorView(second.sessionId);
    expect(view.attempt.flags).toContain('second-attempt');
    expect(view.attempt.deadline).toBe((await proctorView(first.sessionId)).attempt.deadline);
  });
});
