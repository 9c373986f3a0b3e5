import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { PolicySchema, defaultPolicy } from '../../src-main/contract';
import type { Exam, SessionSnapshot } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { attemptDatabaseFile, openExamSession } from '../../src-main/session/open-exam-session';
import type { ExamSession } from '../../src-main/session/open-exam-session';
import { openAttemptFile } from '../../src-main/session/attempt-file';
import { ExamSession as ExamSessionClass } from '../../src-main/session/exam-session';
import { FakeClock } from '../fake-clock';
import { unwrap } from '../unwrap';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

function demoExam(): Exam {
  return unwrap(loadExamFile(DEMO_EXAM_FILE));
}

describe('ExamSession', () => {
  let dataDir: string;
  let scheduler: FakeClock;
  const open: ExamSession[] = [];

  async function start(overrides: { exam?: Exam } = {}): Promise<ExamSession> {
    const session = await openExamSession({
      exam: overrides.exam ?? demoExam(),
      policy: defaultPolicy(),
      dataDir,
      studentId: 'student-7',
      scheduler,
      serverUrl: null,
      log: () => {},
    });
    open.push(session);
    return session;
  }

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-session-'));
    scheduler = new FakeClock(T0);
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts active with a clean risk score and a deadline from the exam', async () => {
    const session = await start();
    const snap = unwrap(await session.getSnapshot());
    expect(snap.phase).toBe('active');
    expect(snap.risk.score).toBe(0);
    expect(snap.deadline! - snap.startedAt!).toBe(45 * 60_000);
    expect(snap.notices.join(' ')).toMatch(/queued/);
  });

  it('keeps every answer across a restart of the engine, in the same attempt', async () => {
    const first = await start();
    unwrap(await first.saveAnswer({ questionId: 'q1', value: 'c' }));
    unwrap(await first.saveAnswer({ questionId: 'q3', value: 'F = m a' }));
    unwrap(await first.saveAnswer({ questionId: 'q3', value: 'Force equals mass times acceleration.' }));
    const sessionId = first.sessionId;
    await first.close();

    const second = await start();
    const snap = unwrap(await second.getSnapshot());
    expect(second.sessionId).toBe(sessionId);
    expect(snap.answers.q1?.value).toBe('c');
    expect(snap.answers.q3).toMatchObject({ value: 'Force equals mass times acceleration.', revision: 2 });
  });

  it('rejects bad answers with a clear error and keeps what was saved', async () => {
    const session = await start();
    unwrap(await session.saveAnswer({ questionId: 'q3', value: 'kept' }));
    const unknown = await session.saveAnswer({ questionId: 'nope', value: 'x' });
    const badOption = await session.saveAnswer({ questionId: 'q1', value: 'z' });
    const tooLong = await session.saveAnswer({ questionId: 'q3', value: 'x'.repeat(301) });
    const malformed = await session.saveAnswer({ questionId: 42 } as never);
    for (const r of [unknown, badOption, tooLong, malformed]) expect(r.ok).toBe(false);
    expect(!unknown.ok && unknown.error.message).toMatch(/no question "nope"/);
    expect(!tooLong.ok && tooLong.error.message).toMatch(/limit is 300/);
    expect(unwrap(await session.getSnapshot()).answers.q3?.value).toBe('kept');
    session.recordRejectedCall('vigil:submit', 'refused sender: not the exam window');
    await session.close();

    const store = AuditStore.open(attemptDatabaseFile(dataDir, 'demo-physics-101', 'student-7'));
    const rejected = store.entries({ limit: 1000 }).filter((e) => e.kind === 'error' && e.payload.what === 'rejected call');
    store.close();
    expect(rejected.map((e) => e.payload.call)).toEqual(['saveAnswer', 'saveAnswer', 'saveAnswer', 'saveAnswer', 'vigil:submit']);
    expect(String(rejected[2]?.payload.reason)).toMatch(/limit is 300/);
  });

  it('scores an activity package every window and writes it to the audit log', async () => {
    const session = await start();
    scheduler.advanceBy(31_000);
    await session.close();
    const store = AuditStore.open(attemptDatabaseFile(dataDir, 'demo-physics-101', 'student-7'));
    const scored = store.entries({ limit: 1000 }).filter((e) => e.kind === 'package_scored');
    store.close();
    expect(scored.length).toBe(6); // 5 s windows over 31 s
    expect(scored[0]?.payload).toMatchObject({ sequence: 0, keystrokeCount: 0, level: expect.any(String) });
  });

  it('locks and auto-submits at 100 from integrity events, with every answer and the reasons', async () => {
    const session = await start();
    const snapshots: SessionSnapshot[] = [];
    session.onSnapshot((s) => snapshots.push(s));
    unwrap(await session.saveAnswer({ questionId: 'q4', value: 'Because they are in free fall.' }));

    // Minute-long absences: the first is warned, each after it costs the full focus_lost points
    // (short ones cost nothing: test/integration/fair-ledger.test.ts).
    for (let i = 0; i < 8 && snapshots.at(-1)?.phase !== 'locked'; i++) {
      unwrap(await session.reportWindowEvent({ kind: 'focus', focused: false }));
      scheduler.advanceBy(60_000);
      if (snapshots.at(-1)?.phase !== 'locked') unwrap(await session.reportWindowEvent({ kind: 'focus', focused: true }));
    }
    expect(snapshots.at(-1)?.phase).toBe('locked');
    // Text still inside the page's autosave delay is flushed at the lock and submitted with the rest.
    unwrap(await session.saveAnswer({ questionId: 'q3', value: 'F = ma' }));
    scheduler.advanceBy(5_000);
    expect(snapshots.at(-1)?.phase).toBe('locked'); // still waiting for the page's last saves
    unwrap(await session.lockFlushed());
    const last = snapshots.at(-1)!;
    expect(last.risk.score).toBe(100);
    expect(last.risk.locked).toBe(true);
    expect(last.phase).toBe('submitted');
    expect(last.submission).toMatchObject({ reason: 'risk_limit', answerCount: 2 });
    expect(last.risk.reasons.some((r) => r.code === 'focus_lost')).toBe(true);
    expect(snapshots.some((s) => s.phase === 'locked')).toBe(true);

    const late = await session.saveAnswer({ questionId: 'q3', value: 'too late' });
    expect(late.ok).toBe(false);
    await session.close();

    const store = AuditStore.open(attemptDatabaseFile(dataDir, 'demo-physics-101', 'student-7'));
    const kinds = store.entries({ limit: 1000 }).map((e) => e.kind);
    const submission = store.entries({ limit: 1000 }).find((e) => e.kind === 'submission');
    expect(store.verify().ok).toBe(true);
    expect(store.outboxCounts().pending).toBeGreaterThanOrEqual(1); // no server: queued, not lost
    store.close();
    expect(kinds).toContain('session_locked');
    expect(kinds.indexOf('session_locked')).toBeLessThan(kinds.indexOf('submission'));
    expect(submission?.payload).toMatchObject({ reason: 'risk_limit', answerCount: 2 });
  });

  it('a lock whose page never answers is still submitted, after the longest wait for its last saves', async () => {
    const session = await start();
    const snapshots: SessionSnapshot[] = [];
    let lockedAt: number | null = null;
    session.onSnapshot((s) => {
      snapshots.push(s);
      if (s.phase === 'locked') lockedAt ??= scheduler.now();
    });
    // Minute-long absences (the fair ledger): the lock may come from the heartbeat mid-absence.
    for (let i = 0; i < 8 && snapshots.at(-1)?.phase !== 'locked'; i++) {
      unwrap(await session.reportWindowEvent({ kind: 'focus', focused: false }));
      scheduler.advanceBy(60_000);
      if (snapshots.at(-1)?.phase !== 'locked') unwrap(await session.reportWindowEvent({ kind: 'focus', focused: true }));
    }
    expect(snapshots.at(-1)?.phase).toBe('locked');
    scheduler.advanceTo(lockedAt! + 14_000);
    expect(snapshots.at(-1)?.phase).toBe('locked');
    scheduler.advanceBy(1_000);
    expect(snapshots.at(-1)?.phase).toBe('submitted');
    expect(snapshots.at(-1)?.submission?.reason).toBe('risk_limit');
    // A late acknowledgement changes nothing.
    unwrap(await session.lockFlushed());
    expect(snapshots.at(-1)?.submission?.reason).toBe('risk_limit');
    await session.close();
  });

  it('keeps the learnt detection baselines across a restart', async () => {
    const first = await start();
    scheduler.advanceBy(61_000); // a minute of packages, then the periodic save
    await first.close();
    const file = attemptDatabaseFile(dataDir, 'demo-physics-101', 'student-7');
    const readState = () => {
      const store = AuditStore.open(file);
      const state = store.loadEngineState('detection') as { firstStartedAt: number } | null;
      store.close();
      return state;
    };
    const saved = readState();
    expect(saved?.firstStartedAt).toBe(T0);

    scheduler.advanceBy(10 * 60_000); // the app was down for ten minutes
    const second = await start();
    scheduler.advanceBy(6_000);
    await second.close();
    // A fresh orchestrator would have started its baselines now; the restored one keeps T0.
    expect(readState()?.firstStartedAt).toBe(T0);
    // Package numbers carry on across the restart, so flag files never repeat one.
    const store = AuditStore.open(file);
    const sequences = store.entries().filter((e) => e.kind === 'package_scored').map((e) => e.payload.sequence as number);
    store.close();
    expect(sequences).toEqual([...sequences.keys()]);
    expect(sequences.length).toBeGreaterThan(12);
  });

  it('scores an attempt by the policy it started under, even after a new policy is installed', async () => {
    const noGrace = PolicySchema.parse({ schemaVersion: 1, integrity: { lockdown: { leaving: { graceWarnings: 0 } } } });
    const first = await openExamSession({ exam: demoExam(), policy: noGrace, dataDir, studentId: 'student-7', scheduler, serverUrl: null, log: () => {} });
    open.push(first);
    const awayOneMinute = async (session: ExamSession) => {
      unwrap(await session.reportWindowEvent({ kind: 'focus', focused: false }));
      scheduler.advanceBy(60_000);
      unwrap(await session.reportWindowEvent({ kind: 'focus', focused: true }));
    };
    await awayOneMinute(first);
    expect(unwrap(await first.getSnapshot()).risk.score).toBe(20);
    await first.close();

    const stricter = PolicySchema.parse({ schemaVersion: 1, ledger: { integrityPoints: { focus_lost: 50 } } });
    const second = await openExamSession({ exam: demoExam(), policy: stricter, dataDir, studentId: 'student-7', scheduler, serverUrl: null, log: () => {} });
    open.push(second);
    expect(unwrap(await second.getSnapshot()).risk.score).toBe(20);
    await awayOneMinute(second);
    expect(unwrap(await second.getSnapshot()).risk.score).toBe(40);
  });

  it('resumes a submitted attempt as submitted', async () => {
    const first = await start();
    unwrap(await first.submit({ confirm: true }));
    await first.close();
    const second = await start();
    const snap = unwrap(await second.getSnapshot());
    expect(snap.phase).toBe('submitted');
    expect(snap.submission?.reason).toBe('student');
    expect((await second.saveAnswer({ questionId: 'q1', value: 'a' })).ok).toBe(false);
  });

  it('submits when time runs out', async () => {
    const session = await start();
    unwrap(await session.saveAnswer({ questionId: 'q2', value: 'b' }));
    scheduler.advanceBy(45 * 60_000 + 1);
    const snap = unwrap(await session.getSnapshot());
    expect(snap.phase).toBe('submitted');
    expect(snap.submission).toMatchObject({ reason: 'time_up', answerCount: 1 });
  });

  it('writes and starts nothing until start(), then records the start once', async () => {
    const policy = defaultPolicy();
    const opts = { exam: demoExam(), policy, dataDir, studentId: 'student-7', scheduler, serverUrl: null, log: () => {} };
    const { file, store, restored } = openAttemptFile({ dataDir, examId: opts.exam.id, studentId: opts.studentId, policy, clock: scheduler });
    const started = { n: 0 };
    const source = { name: 'probe', start: () => void started.n++, stop: () => undefined };
    const session = new ExamSessionClass({ ...opts, sources: [source] }, file, store, scheduler, restored);
    open.push(session);
    expect(store.entries()).toEqual([]);
    expect(started.n).toBe(0);
    expect(scheduler.liveTimers()).toBe(0);
    session.start();
    session.start();
    // The start, once, then the capture heartbeat's first beat and the exam clock's first save (their hashes under the chain).
    expect(store.entries().map((e) => e.kind)).toEqual(['session_started', 'engine_state_saved', 'engine_state_saved']);
    expect(started.n).toBe(1);
    expect(scheduler.liveTimers()).toBeGreaterThan(0);
  });

  it('keeps two students whose ids read alike in separate attempts', () => {
    const names = ['a.b', 'a_b', 'a b'].map((id) => attemptDatabaseFile(dataDir, 'exam', id));
    expect(new Set(names).size).toBe(3);
    expect(attemptDatabaseFile(dataDir, 'exam', 'a.b')).toBe(names[0]);
  });

  it('fails to open with a message naming the database when it cannot be created', async () => {
    const blocked = path.join(dataDir, 'not-a-dir');
    writeFileSync(blocked, 'a file where the data folder should be');
    await expect(
      openExamSession({ exam: demoExam(), policy: defaultPolicy(), dataDir: blocked, studentId: 's', scheduler, log: () => {} }),
    ).rejects.toThrow(/not-a-dir/);
  });
});
