import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { PolicySchema, defaultPolicy } from '../../src-main/contract';
import type { Exam, Policy } from '../../src-main/contract';
import { proctorOrderBytes, type ProctorOrder, type ProctorOrderAudit, type SignedProctorOrder } from '../../src-main/contract/proctor-order';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { attemptDatabaseFile } from '../../src-main/session/attempt-file';
import { SignInGate } from '../../src-main/session/sign-in-gate';
import type { ExamServer } from '../../src-server/exam-server';
import { FakeClock } from '../fake-clock';
import { DEMO_EXAM, asProctor, startServerWithDemoExam, type Roster } from '../exam-server-fixture';
import { unwrap } from '../unwrap';

// Issue 12, the app's half wired: a registered attempt streams its risk to the exam server over
// Socket.IO and carries out the proctor's signed orders (pause, resume, more time), each one
// audited whatever the verdict. All over loopback against src-server started in-process.

const START = Date.UTC(2026, 10, 22, 9);
let dataDir: string;
let server: ExamServer;
let roster: Roster;
let demo: Exam;
const gates: SignInGate[] = [];

beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-livelink-'));
  const loaded = loadExamFile(DEMO_EXAM_FILE);
  if (!loaded.ok) throw new Error(loaded.error.message);
  demo = loaded.value;
  ({ server, roster } = await startServerWithDemoExam({ log: () => {} }));
});
afterEach(async () => {
  for (const g of gates.splice(0)) await g.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function gate(clock: FakeClock, logs: string[] = [], policy: Policy = defaultPolicy()): SignInGate {
  const g = new SignInGate({ exam: demo, policy, dataDir, scheduler: clock, serverUrl: server.url, appVersion: '0.1.0-test', log: (l) => logs.push(l) });
  gates.push(g);
  return g;
}

const order = (sessionId: string, body: Record<string, unknown>) => asProctor(server, 'POST', `/api/proctor/sessions/${sessionId}/orders`, body);

function proctorOrderRows(): ProctorOrderAudit[] {
  const store = AuditStore.open(attemptDatabaseFile(dataDir, DEMO_EXAM.id, 'alice'), { readonly: true });
  try {
    return store.entries().filter((e) => e.kind === 'proctor_order').map((e) => e.payload as unknown as ProctorOrderAudit);
  } finally {
    store.close();
  }
}

/** An order in the right shape for the right attempt, signed with a key that is not the server's. */
function forged(sessionId: string, fields: Partial<ProctorOrder>): SignedProctorOrder {
  const { privateKey } = generateKeyPairSync('ed25519');
  const o: ProctorOrder = { version: 1, orderId: randomUUID(), sessionId, seq: 50, action: 'unlock', extendMinutes: 0, deadline: 0, reason: 'let me out', issuedAt: Date.now(), ...fields };
  return { order: o, signature: sign(null, Buffer.from(proctorOrderBytes(o), 'utf8'), privateKey).toString('base64') };
}

describe('the live link of a registered attempt', () => {
  it('risk reaches the server; lock pauses, unlock resumes, extend moves the deadline; a forged order is refused; all audited', async () => {
    const clock = new FakeClock(START);
    const logs: string[] = [];
    const g = gate(clock, logs);
    const first = unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    const { sessionId } = first;
    expect(first.proctorHold).toBeNull();

    // A paste from outside raises the app's own score (a focus loss is charged only when it
    // ends, after a first warning); it reaches the server's live state and the live view.
    unwrap(await g.reportWindowEvent({ kind: 'clipboard', action: 'paste', external: true }));
    const score = unwrap(await g.getSnapshot()).risk.score;
    expect(score).toBeGreaterThan(0);
    await expect.poll(() => server.live.reported(sessionId)?.risk?.score).toBe(score);
    const live = await asProctor(server, 'GET', `/api/proctor/live/exams/${DEMO_EXAM.id}`);
    const row = (live.body as { attempts: { sessionId: string; score: number; source: string }[] }).attempts.find((a) => a.sessionId === sessionId);
    expect(row).toMatchObject({ score, source: 'app' });

    // Lock: the exam is on hold, nothing submitted, answers still saved.
    expect((await order(sessionId, { action: 'lock', reason: 'talking to a neighbour' })).status).toBe(201);
    await expect.poll(async () => unwrap(await g.getSnapshot()).proctorHold).toEqual({ reason: 'talking to a neighbour' });
    let snap = unwrap(await g.getSnapshot());
    expect(snap.phase).toBe('active');
    expect(snap.submission).toBeNull();
    unwrap(await g.saveAnswer({ questionId: 'q1', value: 'c' }));

    // A forged unlock (right attempt, newer seq, wrong key) changes nothing and is audited as refused.
    server.live.toAttempt(sessionId, 'proctor_order', forged(sessionId, {}));
    await expect.poll(() => logs.some((l) => /proctor order refused: .*does not carry the exam server's signature/.test(l))).toBe(true);
    expect(unwrap(await g.getSnapshot()).proctorHold).toEqual({ reason: 'talking to a neighbour' });

    expect((await order(sessionId, { action: 'unlock', reason: 'checked, fine' })).status).toBe(201);
    await expect.poll(async () => unwrap(await g.getSnapshot()).proctorHold).toBeNull();

    // Extend: 15 more minutes here and on the server; the old deadline no longer ends the exam.
    const before = unwrap(await g.getSnapshot()).deadline!;
    const ext = await order(sessionId, { action: 'extend', extendMinutes: 15, reason: 'fire alarm' });
    expect(ext.status).toBe(201);
    await expect.poll(async () => unwrap(await g.getSnapshot()).deadline).toBe(before + 15 * 60_000);
    const view = (await asProctor(server, 'GET', `/api/proctor/sessions/${sessionId}`)).body as { attempt: { deadline: number } };
    expect(view.attempt.deadline).toBe((ext.body as SignedProctorOrder).order.deadline);
    clock.advanceBy(before - clock.now() + 1000);
    expect(unwrap(await g.getSnapshot()).phase).toBe('active');
    clock.advanceBy(15 * 60_000);
    snap = unwrap(await g.getSnapshot());
    expect(snap).toMatchObject({ phase: 'submitted', submission: { reason: 'time_up', answerCount: 1 } });
    await g.close();

    const rows = proctorOrderRows();
    expect(rows.map((r) => [r.outcome, r.order?.action ?? null])).toEqual([
      ['applied', 'lock'],
      ['refused', 'unlock'], // forged: kept as evidence, with the reason
      ['applied', 'unlock'],
      ['applied', 'extend'],
    ]);
    expect(rows[0]!.signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(rows[1]!.refusal).toMatch(/does not carry the exam server's signature/);
  });

  it('a pause survives a restart; orders given while the app was closed are fetched; a replay is refused', async () => {
    const clock = new FakeClock(START);
    const first = gate(clock);
    const { sessionId } = unwrap(await first.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    await expect.poll(() => server.live.isOnline(sessionId)).toBe(true);
    const lock = await order(sessionId, { action: 'lock', reason: 'check the desk' });
    await expect.poll(async () => unwrap(await first.getSnapshot()).proctorHold).toEqual({ reason: 'check the desk' });
    await first.close();
    await expect.poll(() => server.live.isOnline(sessionId)).toBe(false);

    // Read back from the audit on restart, the pause is in force from the first snapshot on.
    const logs: string[] = [];
    const again = gate(clock, logs);
    const resumed = unwrap(await again.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    expect(resumed.proctorHold).toEqual({ reason: 'check the desk' });
    await expect.poll(() => server.live.isOnline(sessionId)).toBe(true);
    // The lock, sent again (as a replay would be), is refused: it was applied before the restart.
    server.live.toAttempt(sessionId, 'proctor_order', lock.body);
    await expect.poll(() => logs.some((l) => /proctor order refused: .*replay or superseded/.test(l))).toBe(true);
    await again.close();

    // Given while the app is closed: only the fetch at the next connection can bring these.
    expect((await order(sessionId, { action: 'unlock', reason: 'done' })).status).toBe(201);
    expect((await order(sessionId, { action: 'extend', extendMinutes: 10, reason: 'lost time' })).status).toBe(201);
    const third = gate(clock);
    const before = unwrap(await third.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    await expect.poll(async () => unwrap(await third.getSnapshot()).proctorHold).toBeNull();
    // The resume read the extended deadline from the server; the fetched extension does not add it twice.
    expect(unwrap(await third.getSnapshot()).deadline).toBe(before.deadline);
    await third.close();
    const rows = proctorOrderRows();
    expect(rows.map((r) => [r.outcome, r.order?.action])).toEqual([
      ['applied', 'lock'],
      ['refused', 'lock'],
      ['applied', 'unlock'],
      ['applied', 'extend'],
    ]);
  });

  it('a raised flag goes out as it is raised, beside its upload in the outbox', async () => {
    const clock = new FakeClock(START);
    // One-second windows, flags from 'medium' up: a few focus losses make one quickly.
    // One-second windows, and level thresholds so low that the quiet baseline probability of
    // every package (about 0.07) is 'high' and flagged: the policy decides what is a flag.
    const policy = PolicySchema.parse({
      schemaVersion: 1,
      windowSeconds: 1,
      classifier: { flagAtLevel: 'medium', thresholds: { low: 0.01, medium: 0.02, high: 0.03, critical: 0.5 } },
      detectors: { baselineSeconds: 0, baselineMinPackages: 2 },
    });
    const g = gate(clock, [], policy);
    const { sessionId } = unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    await expect.poll(() => server.live.isOnline(sessionId)).toBe(true);
    clock.advanceBy(6000);
    const flagRows = () => {
      const store = AuditStore.open(attemptDatabaseFile(dataDir, DEMO_EXAM.id, 'alice'), { readonly: true });
      try {
        return store.entries().filter((e) => e.kind === 'flag_raised');
      } finally {
        store.close();
      }
    };
    const flags = flagRows();
    expect(flags.length).toBeGreaterThan(0);
    // Every flag in the log also reached the server live, the last one last.
    await expect.poll(() => server.live.reported(sessionId)?.flags).toBe(flags.length);
    expect(server.live.reported(sessionId)?.lastFlag).toMatchObject({ sequence: (flags.at(-1)!.payload as { sequence: number }).sequence });
  });
});
