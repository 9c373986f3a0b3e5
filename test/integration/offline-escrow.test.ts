import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { decodeKey } from '../../src-main/audit/keyed-chain';
import { defaultPolicy } from '../../src-main/contract';
import type { Exam } from '../../src-main/contract';
import { configKey } from '../../src-main/exam/config-key';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { attemptDatabaseFile } from '../../src-main/session/attempt-file';
import { offlineAttemptFile } from '../../src-main/session/offline-attempt';
import { registrationFile } from '../../src-main/session/server-registration';
import { SignInGate } from '../../src-main/session/sign-in-gate';
import type { ExamServer } from '../../src-server/exam-server';
import { FakeClock } from '../fake-clock';
import { DEMO_EXAM, asProctor, startServerWithDemoExam, type Roster } from '../exam-server-fixture';
import { unwrap } from '../unwrap';

// Offline start, end to end (issue 8): the server cannot be reached at sign-in, so the
// attempt starts on the installed exam with a K_0 made here and queued for escrow under the
// chain. Its other uploads wait for the escrow; once the server is back the escrow registers
// the attempt (offline-started), brings the token, the held uploads follow with it, and the
// proctor's K_0 from the server verifies every tag of the attempt's log with `audit verify --key`.

const root = path.join(import.meta.dirname, '../..');
// The server runs on the real clock: the attempt starts a little before it (an escrow claiming a future start is refused).
const START = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
let dataDir: string;
let server: ExamServer;
let roster: Roster;
let demo: Exam;
const gates: SignInGate[] = [];

beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-offline-'));
  const loaded = loadExamFile(DEMO_EXAM_FILE);
  if (!loaded.ok) throw new Error(loaded.error.message);
  demo = loaded.value;
  ({ server, roster } = await startServerWithDemoExam({ log: () => {} }));
});
afterEach(async () => {
  for (const g of gates.splice(0)) await g.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function gate(clock: FakeClock, offlineStart = true): SignInGate {
  const g = new SignInGate({ exam: demo, policy: defaultPolicy(), dataDir, scheduler: clock, serverUrl: server.url, appVersion: '0.1.0-test', log: () => {}, offlineStart });
  gates.push(g);
  return g;
}

/** Moves past any backoff, then tries every due upload. */
async function deliver(clock: FakeClock, g: SignInGate) {
  clock.advanceBy(61_000);
  await new Promise((r) => setTimeout(r, 20));
  return g.flushUploads();
}

const dbFile = () => attemptDatabaseFile(dataDir, DEMO_EXAM.id, 'alice');

describe('an attempt started offline', () => {
  it('escrows its K_0 through the outbox; the server stores it; the proctor verifies the chain with it', async () => {
    server.setAvailable(false);
    const clock = new FakeClock(START);
    const g = gate(clock);
    const snap = unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    expect(snap.phase).toBe('active');
    const sessionId = snap.sessionId;
    expect(existsSync(offlineAttemptFile({ dataDir, examId: DEMO_EXAM.id, studentId: 'alice' }))).toBe(true);

    // The escrow is queued with session_started, well-formed for the server's route, under the chain.
    const peek = AuditStore.open(dbFile(), { readonly: true });
    const escrowItem = peek.outboxItems().find((o) => o.path === `/api/sessions/${sessionId}/key-escrow`)!;
    expect(escrowItem.auditSeq).toBe(peek.entries().find((e) => e.kind === 'session_started')!.seq);
    const body = peek.dueOutbox(Number.MAX_SAFE_INTEGER, 50).find((o) => o.id === escrowItem.id)!.body as Record<string, unknown>;
    expect(body).toMatchObject({ examId: DEMO_EXAM.id, studentId: 'alice', appVersion: '0.1.0-test', policyHash: configKey(defaultPolicy()), accessCode: roster.codes.alice, clientStartedAt: START });
    expect(body.deviceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(decodeKey(body.k0 as string)).toHaveLength(32);
    peek.close();

    unwrap(await g.saveAnswer({ questionId: 'q3', value: 'written offline' }));
    await deliver(clock, g);
    // Nothing but the escrow was tried while the server was down, and nothing was refused.
    const triedWhileDown = server.requests().filter((r) => r.method === 'POST' && r.path !== '/api/sessions' && !r.path.startsWith('/api/proctor/'));
    expect(triedWhileDown.length).toBeGreaterThan(0);
    expect(triedWhileDown.every((r) => r.path.endsWith('/key-escrow'))).toBe(true);

    server.setAvailable(true);
    await deliver(clock, g);
    // Registered as offline-started, with the escrowed key; the token now goes with every upload.
    const view = (await asProctor(server, 'GET', `/api/proctor/sessions/${sessionId}`)).body as { attempt: { origin: string; flags: string[]; startedAt: number } };
    expect(view.attempt.origin).toBe('offline-started');
    expect(view.attempt.flags).toContain('offline-started');
    expect(view.attempt.startedAt).toBe(START);
    expect(existsSync(registrationFile(dataDir, DEMO_EXAM.id, 'alice'))).toBe(true);
    expect(existsSync(offlineAttemptFile({ dataDir, examId: DEMO_EXAM.id, studentId: 'alice' }))).toBe(false);

    unwrap(await g.submit({ confirm: true }));
    await deliver(clock, g);
    expect(server.sessions()[sessionId]?.submissions).toHaveLength(1);
    expect(server.requests().filter((r) => r.status === 401 || r.status === 403 || r.status === 400)).toEqual([]);
    // Checkpoints went too (held until the token came) and verified from the escrowed key.
    const checkpoints = ((await asProctor(server, 'GET', `/api/proctor/sessions/${sessionId}`)).body as { checkpoints: { accepted: number; refused: unknown[] } }).checkpoints;
    expect(checkpoints.accepted).toBeGreaterThan(0);
    expect(checkpoints.refused).toEqual([]);
    await g.close();

    // The delivered escrow no longer holds K_0 on this computer.
    const after = AuditStore.open(dbFile(), { readonly: true });
    expect(after.outboxItems().find((o) => o.id === escrowItem.id)?.state).toBe('delivered');
    after.close();

    // The proctor takes K_0 from the server and verifies every tag of the log with it.
    const key = ((await asProctor(server, 'GET', `/api/proctor/sessions/${sessionId}/key`)).body as { k0: string }).k0;
    expect(key).toBe(body.k0);
    const cli = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src-main/cli/audit.ts'), 'verify', dbFile(), '--key', key], { cwd: root, encoding: 'utf8' });
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toMatch(/^OK: \d+ rows, hash chain intact, every tag verified with the key\n$/);
    expect(cli.status).toBe(0);
    // Another key does not verify it: the check can fail.
    const wrong = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src-main/cli/audit.ts'), 'verify', dbFile(), '--key', Buffer.alloc(32, 7).toString('base64')], { cwd: root, encoding: 'utf8' });
    expect(wrong.status).not.toBe(0);

    // A restart now resumes the attempt as a registered one: same session, no second attempt.
    const again = unwrap(await gate(new FakeClock(START + 5 * 60_000)).signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    expect(again.sessionId).toBe(sessionId);
    const list = (await asProctor(server, 'GET', `/api/proctor/exams/${DEMO_EXAM.id}/attempts`)).body as { attempts: unknown[] };
    expect(list.attempts).toHaveLength(1);
  });

  it('opened at its system check: the escrow registers it as not started, the start claimed at Start starts it, and the server\'s deadline is the app\'s', async () => {
    server.setAvailable(false);
    const clock = new FakeClock(START);
    const g = new SignInGate({
      exam: demo,
      policy: defaultPolicy(),
      dataDir,
      scheduler: clock,
      serverUrl: server.url,
      appVersion: '0.1.0-test',
      log: () => {},
      offlineStart: true,
      systemCheck: async () => ({ ok: true, findings: [] }),
    });
    gates.push(g);
    const snap = unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    expect(snap.phase).toBe('checking');
    const sessionId = snap.sessionId;
    // Three minutes at the check, then Start, still offline.
    clock.advanceBy(3 * 60_000);
    expect(unwrap(await g.startExam()).started).toBe(true);
    const local = unwrap(await g.getSnapshot());
    expect(local.startedAt).toBe(START + 3 * 60_000);
    const duration = demo.durationMinutes * 60_000;
    expect(local.deadline).toBe(START + 3 * 60_000 + duration);

    // The start claim waits in the outbox, under exam_started, behind the escrow.
    const peek = AuditStore.open(dbFile(), { readonly: true });
    const startItem = peek.outboxItems().find((o) => o.path === `/api/sessions/${sessionId}/start`)!;
    expect(startItem.auditSeq).toBe(peek.entries().find((e) => e.kind === 'exam_started')!.seq);
    const escrowBody = peek.dueOutbox(Number.MAX_SAFE_INTEGER, 50).find((o) => o.path.endsWith('/key-escrow'))!.body as Record<string, unknown>;
    expect(escrowBody).toMatchObject({ clientStartedAt: START, awaitsCheck: true });
    peek.close();

    server.setAvailable(true);
    await deliver(clock, g);
    await deliver(clock, g);
    const view = (await asProctor(server, 'GET', `/api/proctor/sessions/${sessionId}`)).body as {
      attempt: { origin: string; startedAt: number; examStartedAt: number | null; startBy: number | null; deadline: number };
    };
    expect(view.attempt).toMatchObject({ origin: 'offline-started', startedAt: START, examStartedAt: START + 3 * 60_000, startBy: START + 15 * 60_000 });
    // The server's deadline is the app's: both count from Start.
    expect(view.attempt.deadline).toBe(local.deadline);
    await g.close();
    const after = AuditStore.open(dbFile(), { readonly: true });
    expect(after.outboxItems().find((o) => o.id === startItem.id)?.state).toBe('delivered');
    after.close();
    expect(server.requests().filter((r) => r.status >= 400 && r.status < 500)).toEqual([]);
  });

  it('a restart before the escrow arrived goes on offline with the same attempt (the access code still checked), and registers nothing twice', async () => {
    server.setAvailable(false);
    const g1 = gate(new FakeClock(START));
    const first = unwrap(await g1.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    await g1.close();

    server.setAvailable(true);
    const clock = new FakeClock(START + 60_000);
    const g2 = gate(clock);
    expect(await g2.signIn({ studentId: 'alice', accessCode: 'wrong' })).toMatchObject({ ok: false, error: { code: 'bad_access_code' } });
    const second = unwrap(await g2.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    expect(second.sessionId).toBe(first.sessionId);
    await deliver(clock, g2);
    const list = (await asProctor(server, 'GET', `/api/proctor/exams/${DEMO_EXAM.id}/attempts`)).body as { attempts: { sessionId: string; origin: string }[] };
    expect(list.attempts).toEqual([expect.objectContaining({ sessionId: first.sessionId, origin: 'offline-started' })]);
  });

  it('the database deleted before the escrow arrived: the same attempt goes on, with a finding the server then gets', async () => {
    server.setAvailable(false);
    const g1 = gate(new FakeClock(START));
    const first = unwrap(await g1.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    unwrap(await g1.saveAnswer({ questionId: 'q3', value: 'before' }));
    await g1.close();
    for (const f of [dbFile(), `${dbFile()}-wal`, `${dbFile()}-shm`]) rmSync(f, { force: true });

    server.setAvailable(true);
    const clock = new FakeClock(START + 60_000);
    const g2 = gate(clock);
    const second = unwrap(await g2.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.notices.join(' ')).toMatch(/changed or damaged outside Vigil/);
    await deliver(clock, g2);
    const list = (await asProctor(server, 'GET', `/api/proctor/exams/${DEMO_EXAM.id}/attempts`)).body as { attempts: { sessionId: string }[] };
    expect(list.attempts.map((a) => a.sessionId)).toEqual([first.sessionId]);
    expect(JSON.stringify(server.sessions()[first.sessionId]?.flags ?? [])).toMatch(/log_tampered/);
  });

  it('without offlineStart an unreachable server still only says so', async () => {
    server.setAvailable(false);
    const g = gate(new FakeClock(START), false);
    expect(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! })).toMatchObject({ ok: false, error: { code: 'server_unreachable' } });
    expect(existsSync(dbFile())).toBe(false);
  });

  it('a wrong access code given offline: the server refuses the escrow, the uploads stay on this computer, refused, never lost', async () => {
    server.setAvailable(false);
    const clock = new FakeClock(START);
    const g = gate(clock);
    const snap = unwrap(await g.signIn({ studentId: 'alice', accessCode: 'not-her-code' }));
    unwrap(await g.saveAnswer({ questionId: 'q3', value: 'kept' }));
    unwrap(await g.submit({ confirm: true }));
    server.setAvailable(true);
    await deliver(clock, g);
    await deliver(clock, g);
    expect(server.sessions()[snap.sessionId]).toBeUndefined();
    await g.close();
    const store = AuditStore.open(dbFile(), { readonly: true });
    const escrow = store.outboxItems().find((o) => o.path.endsWith('/key-escrow'))!;
    expect(escrow).toMatchObject({ state: 'rejected', lastError: expect.stringMatching(/403/) });
    expect(store.outboxItems().find((o) => o.path.startsWith('/api/submissions/'))).toBeDefined();
    expect(store.answers().find((a) => a.questionId === 'q3')?.value).toBe('kept');
    store.close();
  });
});
