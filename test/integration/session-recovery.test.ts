import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { defaultPolicy } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { attemptDatabaseFile, openExamSession } from '../../src-main/session/open-exam-session';
import type { ExamSession } from '../../src-main/session/open-exam-session';
import { FakeClock } from '../fake-clock';
import type { ExamServer } from '../../src-server/exam-server';
import { appAttempt, startServerWithDemoExam } from '../exam-server-fixture';
import { unwrap } from '../unwrap';

// Crashes and failures between the steps of a lock or a submission.

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const STUDENT = 'student-7';

/** Makes the session's store refuse to write a submission (a disk error) until `recover()`. */
function failSubmissionWrites(session: ExamSession): { recover(): void } {
  const store = (session as unknown as { store: AuditStore }).store;
  const append = store.append.bind(store);
  let failing = true;
  store.append = ((...args: Parameters<AuditStore['append']>) => {
    if (failing && args[0] === 'submission') throw new Error('disk I/O error');
    return append(...args);
  }) as AuditStore['append'];
  return { recover: () => (failing = false) };
}

describe('ExamSession recovery', () => {
  let dataDir: string;
  let scheduler: FakeClock;
  let server: ExamServer | null = null;
  const open: ExamSession[] = [];
  const file = () => attemptDatabaseFile(dataDir, 'demo-physics-101', STUDENT);

  let accessCode = '';
  /** With a server, the attempt is registered (or resumed) as the app does, and uploads with its token. */
  async function start(serverUrl: string | null = null, log: (line: string) => void = () => {}): Promise<ExamSession> {
    const exam = loadExamFile(DEMO_EXAM_FILE);
    if (!exam.ok) throw new Error(exam.error.message);
    const registered = server && serverUrl ? await appAttempt({ server, dataDir, studentId: STUDENT, accessCode, policy: defaultPolicy(), scheduler }) : null;
    const session = await openExamSession({
      ...(registered ? { server: registered } : {}),
      exam: exam.value,
      policy: defaultPolicy(),
      dataDir,
      studentId: STUDENT,
      scheduler,
      serverUrl,
      log,
    });
    open.push(session);
    return session;
  }

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-recovery-'));
    scheduler = new FakeClock(T0);
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await server?.close();
    server = null;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a crash after the risk reached 100 but before the lock was written still locks and submits on restart', async () => {
    const first = await start();
    unwrap(await first.saveAnswer({ questionId: 'q2', value: 'b' }));
    await first.close();
    // What the log holds when the app died right after the fifth integrity row
    // (20 points each), before its risk_changed and session_locked rows.
    const store = AuditStore.open(file());
    for (let i = 1; i <= 5; i++) store.append('integrity_event', { kind: 'focus_lost', at: T0 + i * 1000, message: '' });
    store.close();

    scheduler.advanceBy(10_000);
    const second = await start();
    expect(unwrap(await second.getSnapshot()).phase).toBe('locked');
    unwrap(await second.lockFlushed()); // the page has saved what it held
    const snap = unwrap(await second.getSnapshot());
    expect(snap.risk).toMatchObject({ score: 100, locked: true });
    expect(snap.phase).toBe('submitted');
    expect(snap.submission).toMatchObject({ reason: 'risk_limit', answerCount: 1 });
    expect((await second.saveAnswer({ questionId: 'q2', value: 'a' })).ok).toBe(false);
    await second.close();

    const check = AuditStore.open(file());
    const kinds = check.entries().map((e) => e.kind);
    check.close();
    expect(kinds).toContain('session_locked');
    expect(kinds.indexOf('session_locked')).toBeLessThan(kinds.indexOf('submission'));
  });

  it('a submission restored undelivered says delivered once the background relay delivers it', async () => {
    ({ server, accessCode } = await serverFor(STUDENT));
    const first = await start(server.url);
    unwrap(await first.saveAnswer({ questionId: 'q2', value: 'b' }));
    server.setAvailable(false);
    unwrap(await first.submit({ confirm: true }));
    await first.flushUploads();
    await first.close();
    server.setAvailable(true);

    const second = await start(server.url);
    expect(unwrap(await second.getSnapshot()).submission?.delivered).toBe(false);
    scheduler.advanceBy(1000); // the relay's own poll, not flushUploads
    const deadline = Date.now() + 5000;
    while ((server.sessions()[second.sessionId]?.submissions.length ?? 0) === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(server.sessions()[second.sessionId]?.submissions).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 50)); // let the relay record the acknowledgement
    scheduler.advanceBy(5000);
    expect(unwrap(await second.getSnapshot()).submission?.delivered).toBe(true);
  });

  it('a failing write when time runs out is reported, not thrown out of the timer, and the submission is retried', async () => {
    const session = await start();
    unwrap(await session.saveAnswer({ questionId: 'q2', value: 'b' }));
    // The disk refuses writes for a moment when the deadline fires.
    const disk = failSubmissionWrites(session);
    expect(() => scheduler.advanceBy(45 * 60_000 + 1)).not.toThrow();
    let snap = unwrap(await session.getSnapshot());
    expect(snap.phase).not.toBe('submitted');
    expect(snap.notices.join(' ')).toMatch(/problem occurred while submitting/);

    disk.recover();
    scheduler.advanceBy(60_000);
    snap = unwrap(await session.getSnapshot());
    expect(snap.phase).toBe('submitted');
    expect(snap.submission).toMatchObject({ reason: 'time_up', answerCount: 1 });
  });

  it('a lock whose submission cannot be written is submitted once the disk recovers, without a restart', async () => {
    const session = await start();
    unwrap(await session.saveAnswer({ questionId: 'q2', value: 'b' }));
    const disk = failSubmissionWrites(session);
    // Four external pastes, 25 points each, reach 100.
    for (let i = 0; i < 4; i++) {
      scheduler.advanceBy(1000);
      await session.reportWindowEvent({ kind: 'clipboard', action: 'paste', external: true });
    }
    expect(unwrap(await session.getSnapshot()).phase).toBe('locked');
    unwrap(await session.lockFlushed()); // the page's go-ahead: the submission is tried, and fails
    scheduler.advanceBy(1_000);
    expect(unwrap(await session.getSnapshot()).phase).toBe('locked');

    disk.recover();
    scheduler.advanceBy(10_000);
    const snap = unwrap(await session.getSnapshot());
    expect(snap.phase).toBe('submitted');
    expect(snap.submission).toMatchObject({ reason: 'risk_limit', answerCount: 1 });
  });

  it('a student submit while the lock is retrying its submission is recorded as the lock, and one past the deadline as time up', async () => {
    const session = await start();
    const disk = failSubmissionWrites(session);
    // Four external pastes, 25 points each, reach 100.
    for (let i = 0; i < 4; i++) {
      scheduler.advanceBy(1000);
      await session.reportWindowEvent({ kind: 'clipboard', action: 'paste', external: true });
    }
    disk.recover();
    expect(unwrap(await session.submit({ confirm: true })).reason).toBe('risk_limit');

    const other = await openExamSession({
      exam: { ...unwrap(loadExamFile(DEMO_EXAM_FILE)), id: 'other-exam' },
      policy: defaultPolicy(),
      dataDir,
      studentId: STUDENT,
      scheduler,
      serverUrl: null,
      log: () => {},
    });
    open.push(other);
    scheduler.now = () => T0 + 46 * 60_000; // the time-up timer has not fired yet
    expect(unwrap(await other.submit({ confirm: true })).reason).toBe('time_up');
  });

  it('a database error while watching for the delivery is logged, not thrown out of the timer', async () => {
    const session = await start();
    unwrap(await session.submit({ confirm: true }));
    const store = (session as unknown as { store: AuditStore }).store;
    store.outboxItems = () => {
      throw new Error('disk I/O error');
    };
    expect(() => scheduler.advanceBy(2000)).not.toThrow();
    expect(unwrap(await session.getSnapshot()).submission?.delivered).toBe(false);
  });

  it('closing while an upload is in flight logs no storage error', async () => {
    ({ server, accessCode } = await serverFor(STUDENT));
    const lines: string[] = [];
    const session = await start(server.url, (l) => lines.push(l));
    unwrap(await session.submit({ confirm: true })); // its upload starts at once
    const queued = session.flushUploads(); // the shell's flush before quitting, behind it
    await session.close();
    await queued;
    await new Promise((r) => setTimeout(r, 100));
    expect(lines.filter((l) => /not open|unreadable|storage/.test(l))).toEqual([]);
  });

  it('a call that arrives after close() leaves no timer behind', async () => {
    const lines: string[] = [];
    const session = await start(null, (l) => lines.push(l));
    await session.close();
    scheduler.advanceBy(46 * 60_000);
    expect((await session.saveAnswer({ questionId: 'q2', value: 'a' })).ok).toBe(false);
    const before = lines.length;
    scheduler.advanceBy(60_000);
    expect(lines.slice(before)).toEqual([]);
  });

  it('a save that arrives after the deadline, when the time-up timer is late, is the final answer and the exam is submitted with it', async () => {
    const session = await start();
    unwrap(await session.saveAnswer({ questionId: 'q2', value: 'b' }));
    // A suspended laptop: the wall clock moved past the deadline, the timer has not fired yet.
    scheduler.now = () => T0 + 46 * 60_000;
    // What the student had typed when time ran out is theirs (issue 9): kept, not refused.
    const r = await session.saveAnswer({ questionId: 'q2', value: 'a' });
    expect(r.ok).toBe(true);
    const snap = unwrap(await session.getSnapshot());
    expect(snap.answers.q2?.value).toBe('a');
    expect(snap.phase).toBe('submitted');
    expect(snap.submission).toMatchObject({ reason: 'time_up', answerCount: 1 });
    // Nothing after the submission changes it.
    expect((await session.saveAnswer({ questionId: 'q2', value: 'c' })).ok).toBe(false);
    expect(unwrap(await session.getSnapshot()).answers.q2?.value).toBe('a');
  });
});

async function serverFor(studentId: string): Promise<{ server: ExamServer; accessCode: string }> {
  const { server, roster } = await startServerWithDemoExam({ log: () => {}, students: [studentId] });
  return { server, accessCode: roster.codes[studentId]! };
}
