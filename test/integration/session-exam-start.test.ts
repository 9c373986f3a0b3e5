import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { defaultPolicy } from '../../src-main/contract';
import type { Exam, SessionSnapshot } from '../../src-main/contract';
import type { AttemptStatus } from '../../src-main/contract/exam-server-api';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { attemptDatabaseFile } from '../../src-main/session/attempt-file';
import { PENDING_START_NOTICE } from '../../src-main/session/server-exam-time';
import { SignInGate } from '../../src-main/session/sign-in-gate';
import type { ExamServer } from '../../src-server/exam-server';
import { SettableClock } from '../fake-clock';
import { DEMO_EXAM, asProctor, startServerWithDemoExam, type Roster } from '../exam-server-fixture';
import { unwrap } from '../unwrap';

// With an exam server, the exam's time starts when the student presses Start, on the server
// (issue 8's anchor, moved from sign-in): the system check costs no exam time, the server
// bounds how long it may hold the start back, local clock changes before Start move nothing,
// an unreachable server at Start does not stop the exam (the server is told later and rules),
// and a proctor's pause stops the time-up and gives its span back. The server runs on the
// test's timeline (`now`), over loopback.

const MINUTE = 60_000;
const DURATION = DEMO_EXAM.durationMinutes * MINUTE;
const START = Date.UTC(2026, 10, 22, 9);
const passingCheck = async () => ({ ok: true, findings: [] });

let dataDir: string;
let server: ExamServer;
let roster: Roster;
let demo: Exam;
let clock: SettableClock;
/** The network between the app and the server: false makes every call outside the live link fail as unreachable. */
let online: boolean;
const gates: SignInGate[] = [];

beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-start-'));
  const loaded = loadExamFile(DEMO_EXAM_FILE);
  if (!loaded.ok) throw new Error(loaded.error.message);
  demo = loaded.value;
  clock = new SettableClock(START);
  online = true;
  ({ server, roster } = await startServerWithDemoExam({ log: () => {}, now: () => clock.monotonic() }));
});
afterEach(async () => {
  for (const g of gates.splice(0)) await g.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const network: typeof fetch = (input, init) => {
  if (!online) return Promise.reject(new TypeError('fetch failed: network is down'));
  return fetch(input, init);
};

function gate(logs: string[] = []): SignInGate {
  const g = new SignInGate({
    exam: demo,
    policy: defaultPolicy(),
    dataDir,
    scheduler: clock,
    serverUrl: server.url,
    appVersion: '0.1.0-test',
    systemCheck: passingCheck,
    fetch: network,
    log: (l) => logs.push(l),
  });
  gates.push(g);
  return g;
}

async function signIn(g: SignInGate): Promise<SessionSnapshot> {
  return unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
}

async function serverAttempt(sessionId: string): Promise<{ deadline: number; examStartedAt: number | null; startBy: number | null }> {
  return ((await asProctor(server, 'GET', `/api/proctor/sessions/${sessionId}`)).body as { attempt: { deadline: number; examStartedAt: number | null; startBy: number | null } }).attempt;
}

function auditKinds(): string[] {
  const store = AuditStore.open(attemptDatabaseFile(dataDir, DEMO_EXAM.id, 'alice'), { readonly: true });
  try {
    return store.entries().map((e) => e.kind);
  } finally {
    store.close();
  }
}

describe('the exam time starts at Start, on the server', () => {
  it('the system check costs no exam time: the full duration runs from Start', async () => {
    const g = gate();
    const signedIn = await signIn(g);
    expect(signedIn).toMatchObject({ phase: 'checking', deadline: null, startedAt: null, startBy: START + 15 * MINUTE });
    expect(await serverAttempt(signedIn.sessionId)).toMatchObject({ examStartedAt: null, startBy: START + 15 * MINUTE });

    clock.advanceBy(9 * MINUTE); // the student closes a chat app and plugs out a second screen
    expect(unwrap(await g.startExam())).toMatchObject({ started: true });
    const snap = unwrap(await g.getSnapshot());
    expect(snap).toMatchObject({ phase: 'active', startBy: null });
    expect(snap.deadline! - clock.now()).toBe(DURATION);
    expect(await serverAttempt(signedIn.sessionId)).toMatchObject({ examStartedAt: START + 9 * MINUTE, deadline: START + 9 * MINUTE + DURATION });

    // The exam ends at the server's deadline, not before.
    clock.advanceBy(DURATION - 1000);
    expect(unwrap(await g.getSnapshot()).phase).toBe('active');
    clock.advanceBy(1000);
    expect(unwrap(await g.getSnapshot())).toMatchObject({ phase: 'submitted', submission: { reason: 'time_up' } });
  });

  it('two Starts at once (a double click, a second window) make one start on the server and one exam_started', async () => {
    const g = gate();
    await signIn(g);
    clock.advanceBy(MINUTE);
    const [a, b] = await Promise.all([g.startExam(), g.startExam()]);
    expect(unwrap(a).started).toBe(true);
    expect(unwrap(b).started).toBe(true);
    expect(unwrap(await g.getSnapshot()).deadline! - clock.now()).toBe(DURATION);
    await g.close();
    expect(auditKinds().filter((k) => k === 'exam_started')).toHaveLength(1);
  });

  it('delaying Start past the check window gains nothing: the time started at startBy', async () => {
    const g = gate();
    await signIn(g);
    clock.advanceBy(25 * MINUTE);
    unwrap(await g.startExam());
    const snap = unwrap(await g.getSnapshot());
    expect(snap.deadline! - clock.now()).toBe(DURATION - 10 * MINUTE);
  });

  it('setting the clock back or forward before Start moves neither the start nor the deadline', async () => {
    for (const shift of [-2 * 3600_000, 5 * 3600_000]) {
      clock = new SettableClock(START);
      await server.close();
      ({ server, roster } = await startServerWithDemoExam({ log: () => {}, now: () => clock.monotonic() }));
      rmSync(dataDir, { recursive: true, force: true });
      dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-start-'));
      const g = gate();
      const signedIn = await signIn(g);
      clock.advanceBy(2 * MINUTE);
      clock.setWallBy(shift);
      // The page is shown the latest start on its own (shifted) clock: the same moment.
      expect(unwrap(await g.getSnapshot()).startBy! - clock.now()).toBe(13 * MINUTE);
      unwrap(await g.startExam());
      expect(await serverAttempt(signedIn.sessionId)).toMatchObject({ examStartedAt: START + 2 * MINUTE, deadline: START + 2 * MINUTE + DURATION });
      const snap = unwrap(await g.getSnapshot());
      expect(snap.phase).toBe('active');
      expect(snap.deadline! - clock.now()).toBe(DURATION);
      clock.advanceBy(DURATION - 1000);
      expect(unwrap(await g.getSnapshot()).phase).toBe('active');
      clock.advanceBy(1000);
      expect(unwrap(await g.getSnapshot()).phase).toBe('submitted');
      await g.close();
    }
  });

  it('a restart gets the same started deadline from the server; Start again changes nothing', async () => {
    const g = gate();
    const signedIn = await signIn(g);
    clock.advanceBy(3 * MINUTE);
    unwrap(await g.startExam());
    const deadline = unwrap(await g.getSnapshot()).deadline!;
    await g.close();

    clock.advanceBy(5 * MINUTE);
    clock.setWallBy(-3600_000); // set back an hour while Vigil was closed
    const again = gate();
    const resumed = await signIn(again);
    expect(resumed).toMatchObject({ sessionId: signedIn.sessionId, phase: 'active' });
    expect(resumed.deadline).toBe(deadline - 3600_000);
    expect(resumed.deadline! - clock.now()).toBe(DURATION - 5 * MINUTE);
    expect(await serverAttempt(signedIn.sessionId)).toMatchObject({ examStartedAt: START + 3 * MINUTE });
  });

  it('a crash between the server starting the time and the local record: the check screen says the time runs, Start gets the same deadline', async () => {
    const g = gate();
    const signedIn = await signIn(g);
    clock.advanceBy(MINUTE);
    // The server started it (the answer never got written here).
    const token = JSON.parse(readFileSync(`${attemptDatabaseFile(dataDir, DEMO_EXAM.id, 'alice')}.registration.json`, 'utf8')).token as string;
    expect((await fetch(`${server.url}/api/sessions/${signedIn.sessionId}/start`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' })).status).toBe(201);
    await g.close();
    clock.advanceBy(4 * MINUTE);
    const again = gate();
    const resumed = await signIn(again);
    expect(resumed).toMatchObject({ phase: 'checking', startBy: START + MINUTE });
    unwrap(await again.startExam());
    expect(unwrap(await again.getSnapshot()).deadline! - clock.now()).toBe(DURATION - 4 * MINUTE);
  });
});

describe('Start while the exam server cannot be reached', () => {
  it('the exam starts on the local estimate of the server clock; the server is told when it answers, and its deadline rules', async () => {
    const logs: string[] = [];
    const g = gate(logs);
    const signedIn = await signIn(g);
    clock.advanceBy(4 * MINUTE);
    online = false;
    expect(unwrap(await g.startExam())).toMatchObject({ started: true });
    let snap = unwrap(await g.getSnapshot());
    expect(snap.phase).toBe('active');
    expect(snap.notices).toContain(PENDING_START_NOTICE);
    expect(snap.deadline! - clock.now()).toBe(DURATION);
    expect(logs.some((l) => /did not start the exam's time .*network is down/.test(l))).toBe(true);
    expect(await serverAttempt(signedIn.sessionId)).toMatchObject({ examStartedAt: null });

    // Retries while offline change nothing; a proctor extends meanwhile (the cap moves on the server).
    clock.advanceBy(31_000);
    expect(await serverAttempt(signedIn.sessionId)).toMatchObject({ examStartedAt: null });
    expect((await asProctor(server, 'POST', `/api/proctor/sessions/${signedIn.sessionId}/orders`, { action: 'extend', extendMinutes: 5, reason: 'accommodation' })).status).toBe(201);
    online = true;
    clock.advanceBy(15_000);
    await expect.poll(async () => (await serverAttempt(signedIn.sessionId)).examStartedAt).toBe(START + 4 * MINUTE);
    await expect.poll(async () => unwrap(await g.getSnapshot()).notices).not.toContain(PENDING_START_NOTICE);
    snap = unwrap(await g.getSnapshot());
    // The server's deadline: the claimed start + duration + the extension given before it heard.
    expect(snap.deadline).toBe(START + 4 * MINUTE + DURATION + 5 * MINUTE + (clock.now() - clock.monotonic()));
    await g.close();
    expect(auditKinds()).toContain('exam_start_confirmed');
  });

  it('a restart while the start is still unconfirmed sends the recorded start, not the restart time', async () => {
    const g = gate();
    const signedIn = await signIn(g);
    clock.advanceBy(2 * MINUTE);
    online = false;
    unwrap(await g.startExam());
    clock.advanceBy(5 * MINUTE);
    await g.close();

    clock.advanceBy(MINUTE);
    online = true;
    const again = gate();
    const resumed = await signIn(again);
    expect(resumed.phase).toBe('active');
    expect(resumed.deadline! - clock.now()).toBe(DURATION - 6 * MINUTE);
    clock.advanceBy(15_000);
    await expect.poll(async () => (await serverAttempt(signedIn.sessionId)).examStartedAt).toBe(START + 2 * MINUTE);
  });

  it('an exam started and submitted offline tells the server its start at the next run, so lateness is judged on the real start', async () => {
    const g = gate();
    const signedIn = await signIn(g);
    clock.advanceBy(3 * MINUTE);
    online = false;
    unwrap(await g.startExam());
    clock.advanceBy(10 * MINUTE);
    unwrap(await g.submit({ confirm: true }));
    await g.close();
    expect(await serverAttempt(signedIn.sessionId)).toMatchObject({ examStartedAt: null });

    online = true;
    const again = gate();
    const resumed = await signIn(again);
    expect(resumed.phase).toBe('submitted');
    expect(resumed.notices).not.toContain(PENDING_START_NOTICE);
    clock.advanceBy(1);
    await expect.poll(async () => (await serverAttempt(signedIn.sessionId)).examStartedAt).toBe(START + 3 * MINUTE);
    expect(await serverAttempt(signedIn.sessionId)).toMatchObject({ deadline: START + 3 * MINUTE + DURATION });
  });

  it("an offline restart runs on the kept file, and the server's deadline rules again once it answers (an edited file gains nothing)", async () => {
    const logs: string[] = [];
    const g = gate();
    await signIn(g);
    unwrap(await g.startExam());
    const deadline = unwrap(await g.getSnapshot()).deadline!;
    await g.close();

    const file = `${attemptDatabaseFile(dataDir, DEMO_EXAM.id, 'alice')}.registration.json`;
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { deadline: number };
    writeFileSync(file, JSON.stringify({ ...kept, deadline: kept.deadline + 60 * MINUTE }));
    online = false;
    clock.advanceBy(MINUTE);
    const again = gate(logs);
    const resumed = await signIn(again);
    expect(resumed.deadline).toBe(deadline + 60 * MINUTE); // offline: the file is all there is
    online = true;
    clock.advanceBy(15_000);
    await expect.poll(async () => unwrap(await again.getSnapshot()).deadline).toBe(deadline);
    expect(logs.some((l) => /the exam server's deadline is .*not the one kept on this computer/.test(l))).toBe(true);
  });

  it('signing in needs the server: the message says the time has not started and nothing is lost', async () => {
    const g = new SignInGate({
      exam: demo,
      policy: defaultPolicy(),
      dataDir,
      scheduler: clock,
      serverUrl: 'http://127.0.0.1:9',
      appVersion: '0.1.0-test',
      systemCheck: passingCheck,
      log: () => {},
    });
    gates.push(g);
    const r = await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! });
    expect(r).toMatchObject({ ok: false, error: { code: 'server_unreachable' } });
    expect(!r.ok && r.error.message).toMatch(/questions come from the server\. Nothing is lost and your time has not started\. .*sign in again/);
    expect(unwrap(await g.getSnapshot()).phase).toBe('sign_in');
  });
});

describe("a proctor's pause stops the exam's time", () => {
  it('time-up never submits while held; the unlock moves the deadline by the paused span, signed by the server', async () => {
    const g = gate();
    const signedIn = await signIn(g);
    unwrap(await g.startExam());
    const { sessionId } = signedIn;
    await expect.poll(() => server.live.isOnline(sessionId)).toBe(true);
    const deadline = unwrap(await g.getSnapshot()).deadline!;
    unwrap(await g.saveAnswer({ questionId: 'q1', value: 'c' }));

    clock.advanceBy(DURATION - 2 * MINUTE);
    expect((await asProctor(server, 'POST', `/api/proctor/sessions/${sessionId}/orders`, { action: 'lock', reason: 'fire alarm' })).status).toBe(201);
    await expect.poll(async () => unwrap(await g.getSnapshot()).proctorHold).toEqual({ reason: 'fire alarm' });

    // Past the old deadline while held: nothing is submitted, and a late save does not end it either.
    clock.advanceBy(20 * MINUTE);
    unwrap(await g.saveAnswer({ questionId: 'q1', value: 'b' }));
    const snap = unwrap(await g.getSnapshot());
    expect(snap).toMatchObject({ phase: 'active', submission: null, deadline });
    expect(server.sessions()[sessionId]?.submissions ?? []).toHaveLength(0);
  });

  it('after the unlock the exam runs exactly the time that was left when the pause began', async () => {
    const g = gate();
    const signedIn = await signIn(g);
    unwrap(await g.startExam());
    const { sessionId } = signedIn;
    await expect.poll(() => server.live.isOnline(sessionId)).toBe(true);
    const deadline = unwrap(await g.getSnapshot()).deadline!;

    clock.advanceBy(DURATION - 2 * MINUTE);
    await asProctor(server, 'POST', `/api/proctor/sessions/${sessionId}/orders`, { action: 'lock', reason: 'fire alarm' });
    await expect.poll(async () => unwrap(await g.getSnapshot()).proctorHold).not.toBeNull();
    clock.advanceBy(20 * MINUTE);
    expect(unwrap(await g.getSnapshot()).phase).toBe('active');

    const unlock = await asProctor(server, 'POST', `/api/proctor/sessions/${sessionId}/orders`, { action: 'unlock', reason: 'back in' });
    expect((unlock.body as { order: { deadline: number } }).order.deadline).toBe(START + DURATION + 20 * MINUTE);
    await expect.poll(async () => unwrap(await g.getSnapshot()).proctorHold).toBeNull();
    const snap = unwrap(await g.getSnapshot());
    expect(snap.deadline).toBe(deadline + 20 * MINUTE);
    expect(snap.deadline! - clock.now()).toBe(2 * MINUTE);

    clock.advanceBy(2 * MINUTE - 1000);
    expect(unwrap(await g.getSnapshot()).phase).toBe('active');
    clock.advanceBy(1000);
    expect(unwrap(await g.getSnapshot())).toMatchObject({ phase: 'submitted', submission: { reason: 'time_up' } });
    const status = (await fetch(`${server.url}/api/proctor/sessions/${sessionId}`, { headers: { authorization: 'Bearer proctor-credential-0123456789' } }).then((r) => r.json())) as { attempt: AttemptStatus };
    expect(status.attempt.deadline).toBe(START + DURATION + 20 * MINUTE);
  });
});
