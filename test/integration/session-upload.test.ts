import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { AuditStore } from '../../src-main/audit/audit-store';
import { attemptDatabaseFile, openExamSession } from '../../src-main/session/open-exam-session';
import type { ExamSession } from '../../src-main/session/open-exam-session';
import { FakeClock } from '../fake-clock';
import type { ExamServer } from '../../src-server/exam-server';
import { appAttempt, startServerWithDemoExam, type Roster } from '../exam-server-fixture';
import { unwrap } from '../unwrap';

describe('ExamSession with the reference exam server', () => {
  let dataDir: string;
  let server: ExamServer;
  let roster: Roster;
  let session: ExamSession | null = null;

  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-upload-'));
    // The app registers each attempt and uploads with its token.
    ({ server, roster } = await startServerWithDemoExam({ log: () => {}, students: ['ada@example.edu', 'grace'] }));
  });
  afterEach(async () => {
    await session?.close();
    session = null;
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function open(scheduler: FakeClock) {
    const exam = loadExamFile(DEMO_EXAM_FILE);
    if (!exam.ok) throw new Error(exam.error.message);
    const studentId = 'ada@example.edu';
    const registered = await appAttempt({ server, dataDir, studentId, accessCode: roster.codes[studentId]!, policy: defaultPolicy(), scheduler });
    session = await openExamSession({
      exam: exam.value,
      policy: defaultPolicy(),
      dataDir,
      studentId,
      scheduler,
      serverUrl: server.url,
      server: registered,
      log: () => {},
    });
    return session;
  }

  it('delivers the submission with every answer, and the receipt says so', async () => {
    const s = await open(new FakeClock(Date.UTC(2026, 10, 22, 9)));
    unwrap(await s.saveAnswer({ questionId: 'q1', value: 'c' }));
    unwrap(await s.saveAnswer({ questionId: 'q3', value: 'F = ma' }));
    unwrap(await s.saveAnswer({ questionId: 'q4', value: 'Free fall, all the way round.' }));
    unwrap(await s.submit({ confirm: true }));
    await s.flushUploads();

    const onServer = server.sessions()[s.sessionId];
    expect(onServer?.submissions).toHaveLength(1);
    const body = onServer!.submissions[0]!.body as { answers: { questionId: string; value: string }[]; reason: string };
    expect(body.reason).toBe('student');
    expect(Object.fromEntries(body.answers.map((a) => [a.questionId, a.value]))).toEqual({
      q1: 'c',
      q3: 'F = ma',
      q4: 'Free fall, all the way round.',
    });
    expect(unwrap(await s.getSnapshot()).submission?.delivered).toBe(true);

    // The server holds the log's head as of the submission; the local log still matches it.
    const anchor = (onServer!.submissions[0]!.body as { auditHead: { seq: number; hash: string } }).auditHead;
    expect(anchor.seq).toBeGreaterThan(3);
    const store = AuditStore.open(attemptDatabaseFile(dataDir, 'demo-physics-101', 'ada@example.edu'), { readonly: true });
    expect(store.checkAnchor(anchor)).toEqual({ ok: true });
    store.close();
  });

  it('keeps the submission queued while the server is down, tells the student, then delivers once', async () => {
    const scheduler = new FakeClock(Date.UTC(2026, 10, 22, 9));
    const s = await open(scheduler);
    unwrap(await s.saveAnswer({ questionId: 'q2', value: 'b' }));
    server.setAvailable(false);
    unwrap(await s.submit({ confirm: true }));
    await s.flushUploads();
    let snap = unwrap(await s.getSnapshot());
    expect(snap.submission?.delivered).toBe(false);
    expect(snap.notices.join(' ')).toMatch(/cannot be reached/);
    expect(server.sessions()[s.sessionId]?.submissions ?? []).toHaveLength(0);

    server.setAvailable(true);
    scheduler.advanceBy(10 * 60_000); // past any backoff
    await s.flushUploads();
    await s.flushUploads();
    snap = unwrap(await s.getSnapshot());
    expect(snap.submission?.delivered).toBe(true);
    expect(snap.notices.join(' ')).not.toMatch(/cannot be reached/);
    expect(server.sessions()[s.sessionId]?.submissions).toHaveLength(1);
  });

  it('gives an upload the server refused another try when the app starts again (e.g. after a wrong server path is fixed)', async () => {
    const scheduler = new FakeClock(Date.UTC(2026, 10, 22, 9));
    const exam = loadExamFile(DEMO_EXAM_FILE);
    if (!exam.ok) throw new Error(exam.error.message);
    const logs: string[] = [];
    const openWith = async (serverUrl: string) => {
      const registered = await appAttempt({ server, dataDir, studentId: 'grace', accessCode: roster.codes.grace!, policy: defaultPolicy(), scheduler });
      return openExamSession({ exam: exam.value, policy: defaultPolicy(), dataDir, studentId: 'grace', scheduler, serverUrl, server: registered, log: (l) => logs.push(l) });
    };

    const misconfigured = await openWith(`${server.url}/no-such-prefix`);
    unwrap(await misconfigured.saveAnswer({ questionId: 'q1', value: 'a' }));
    unwrap(await misconfigured.submit({ confirm: true }));
    await misconfigured.flushUploads();
    // The relay's last error, as the session logs it.
    expect(logs.filter((l) => l.startsWith('upload: ')).at(-1)).toMatch(/404/);
    const sessionId = misconfigured.sessionId;
    await misconfigured.close();
    expect(server.sessions()[sessionId]).toBeUndefined();

    session = await openWith(server.url);
    await session.flushUploads();
    expect(server.sessions()[sessionId]?.submissions).toHaveLength(1);
    expect(unwrap(await session.getSnapshot()).submission?.delivered).toBe(true);
    await session.close();
    session = null;
    const store = AuditStore.open(attemptDatabaseFile(dataDir, 'demo-physics-101', 'grace'), { readonly: true });
    const kinds = store.entries().map((e) => e.kind);
    store.close();
    expect(kinds).toContain('upload_requeued');
  });
});
