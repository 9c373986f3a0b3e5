import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { PolicySchema, defaultPolicy } from '../../src-main/contract';
import type { IntegrityObservation, Policy, RawEvent, RawEventSource, Scheduler } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { hashQuitPassword } from '../../src-main/exam/quit-password';
import { attemptDatabaseFile, openExamSession, type ExamSession } from '../../src-main/session/open-exam-session';
import type { SystemCheckRunner } from '../../src-main/session/pre-exam-check';
import { FakeClock } from '../fake-clock';
import { JumpingScheduler } from '../unit/clock/jumping-scheduler';
import { unwrap } from '../unwrap';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const STUDENT = 'student-lock';

describe('the session before and around the exam: system check, close attempts, capture gaps', () => {
  let dataDir: string;
  let clock: FakeClock;
  const open: ExamSession[] = [];

  async function start(
    opts: { policy?: Policy; systemCheck?: SystemCheckRunner; onCloseAllowed?: () => void; sources?: RawEventSource[]; scheduler?: Scheduler } = {},
  ): Promise<ExamSession> {
    const session = await openExamSession({
      exam: unwrap(loadExamFile(DEMO_EXAM_FILE)),
      policy: opts.policy ?? defaultPolicy(),
      dataDir,
      studentId: STUDENT,
      scheduler: opts.scheduler ?? clock,
      serverUrl: null,
      ...(opts.systemCheck ? { systemCheck: opts.systemCheck } : {}),
      ...(opts.onCloseAllowed ? { onCloseAllowed: opts.onCloseAllowed } : {}),
      ...(opts.sources ? { sources: opts.sources } : {}),
      log: () => {},
    });
    open.push(session);
    return session;
  }
  const rows = () => {
    const store = AuditStore.open(attemptDatabaseFile(dataDir, 'demo-physics-101', STUDENT));
    try {
      return store.entries({ limit: 10_000 });
    } finally {
      store.close();
    }
  };

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-lockdown-'));
    clock = new FakeClock(T0);
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('waits in the check phase with no deadline; a blocking finding keeps it there; the time starts at startExam', async () => {
    let blocked = true;
    const session = await start({
      systemCheck: async () => ({
        ok: !blocked,
        findings: blocked ? [{ kind: 'prohibited_app', severity: 'block', message: 'Close these applications: ollama (AI assistant).' }] : [],
      }),
    });
    let snap = unwrap(await session.getSnapshot());
    expect(snap).toMatchObject({ phase: 'checking', startedAt: null, deadline: null });
    // Nothing is watched or scored before the exam starts.
    unwrap(await session.reportWindowEvent({ kind: 'focus', focused: false }));
    clock.advanceBy(10 * 60_000);
    expect(unwrap(await session.startExam())).toMatchObject({ started: false, check: { ok: false } });
    expect(unwrap(await session.getSnapshot()).phase).toBe('checking');

    blocked = false;
    expect(unwrap(await session.runSystemCheck())).toMatchObject({ ok: true, findings: [] });
    expect(unwrap(await session.startExam())).toMatchObject({ started: true });
    snap = unwrap(await session.getSnapshot());
    expect(snap.phase).toBe('active');
    expect(snap.startedAt).toBe(T0 + 10 * 60_000);
    expect(snap.deadline).toBe(T0 + 10 * 60_000 + 45 * 60_000);
    expect(snap.risk.score).toBe(0);
    const kinds = rows().map((e) => e.kind);
    expect(kinds.filter((k) => k === 'system_check').length).toBeGreaterThanOrEqual(3);
    expect(kinds).toContain('exam_started');
    expect(kinds).not.toContain('integrity_event');
  });

  it('a check that throws is a blocking finding (fails closed), never a clean report', async () => {
    const session = await start({
      systemCheck: async () => {
        throw new Error('probe exploded');
      },
    });
    const report = unwrap(await session.runSystemCheck());
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ kind: 'probe_failed', severity: 'block' });
    expect(report.findings[0]!.message).toMatch(/probe exploded/);
    expect(unwrap(await session.startExam()).started).toBe(false);
  });

  it('a restart during the check resumes the check; one after the start keeps the deadline of the start', async () => {
    const check: SystemCheckRunner = async () => ({ ok: true, findings: [{ kind: 'capture_unavailable', severity: 'warn', message: 'Wayland' }] });
    const first = await start({ systemCheck: check });
    await first.close();
    clock.advanceBy(60_000);
    const second = await start({ systemCheck: check });
    expect(unwrap(await second.getSnapshot()).phase).toBe('checking');
    unwrap(await second.startExam());
    await second.close();
    clock.advanceBy(60_000);
    const third = await start({ systemCheck: check });
    expect(unwrap(await third.getSnapshot())).toMatchObject({ phase: 'active', startedAt: T0 + 60_000 });
    const started = rows().find((e) => e.kind === 'exam_started');
    expect(started?.payload).toMatchObject({ warnings: [{ kind: 'capture_unavailable', severity: 'warn' }] });
  });

  it('close attempts: refused before submission, refused with a wrong password, allowed with the right one; all audited', async () => {
    const policy = PolicySchema.parse({
      schemaVersion: 1,
      integrity: { lockdown: { quitPasswordHash: hashQuitPassword('proctor-key-42', { N: 1024, r: 8, p: 1 }) } },
    });
    let allowed = 0;
    const session = await start({ policy, onCloseAllowed: () => allowed++ });
    expect(session.requestClose('window_close')).toBe('refused');
    expect(unwrap(await session.requestQuit({ password: 'guess-guess' }))).toEqual({ allowed: false, retryInMs: 1000, wrongPasswords: 1 });
    expect(allowed).toBe(0);
    clock.advanceBy(1000); // the wait after one wrong password
    expect(unwrap(await session.requestQuit({ password: 'proctor-key-42' }))).toEqual({ allowed: true });
    expect(allowed).toBe(1);
    const attempts = rows().filter((e) => e.kind === 'close_attempt').map((e) => e.payload);
    expect(attempts).toMatchObject([
      { via: 'window_close', outcome: 'refused' },
      { via: 'proctor_password', outcome: 'wrong_password' },
      { via: 'proctor_password', outcome: 'allowed_password' },
    ]);
    // No password is ever written down.
    expect(JSON.stringify(rows())).not.toMatch(/proctor-key-42|guess-guess/);
  });

  it('without a quit password in the policy, only a submitted exam may close', async () => {
    const session = await start();
    expect(unwrap(await session.requestQuit({ password: 'anything-at-all' }))).toEqual({ allowed: false, retryInMs: 1000, wrongPasswords: 1 });
    unwrap(await session.submit({ confirm: true }));
    expect(session.requestClose('app_quit')).toBe('allowed_submitted');
  });

  it('wrong quit passwords make the next one wait longer; a try during the wait is refused unchecked; a restart keeps the wait', async () => {
    const policy = PolicySchema.parse({
      schemaVersion: 1,
      integrity: { lockdown: { quitPasswordHash: hashQuitPassword('proctor-key-42', { N: 1024, r: 8, p: 1 }) } },
    });
    let allowed = 0;
    const first = await start({ policy, onCloseAllowed: () => allowed++ });
    expect(unwrap(await first.requestQuit({ password: 'guess-1111' }))).toEqual({ allowed: false, retryInMs: 1000, wrongPasswords: 1 });
    clock.advanceBy(1000);
    expect(unwrap(await first.requestQuit({ password: 'guess-2222' }))).toEqual({ allowed: false, retryInMs: 2000, wrongPasswords: 2 });
    clock.advanceBy(2000);
    expect(unwrap(await first.requestQuit({ password: 'guess-3333' }))).toEqual({ allowed: false, retryInMs: 4000, wrongPasswords: 3 });
    // The right password during the wait is not even checked.
    clock.advanceBy(1500);
    expect(unwrap(await first.requestQuit({ password: 'proctor-key-42' }))).toEqual({ allowed: false, retryInMs: 2500, wrongPasswords: 3, tooSoon: true });
    expect(allowed).toBe(0);
    // The close button is still just refused (no password: not a guess, and no wait to report).
    expect(first.requestClose('window_close')).toBe('refused');

    // Restarted during the wait: the audit log carries the count and the wait on.
    await first.close();
    open.splice(open.indexOf(first), 1);
    clock.advanceBy(500);
    const second = await start({ policy, onCloseAllowed: () => allowed++ });
    expect(unwrap(await second.requestQuit({ password: 'proctor-key-42' }))).toEqual({ allowed: false, retryInMs: 2000, wrongPasswords: 3, tooSoon: true });
    clock.advanceBy(2000);
    expect(unwrap(await second.requestQuit({ password: 'guess-4444' }))).toEqual({ allowed: false, retryInMs: 8000, wrongPasswords: 4 });
    clock.advanceBy(8000);
    expect(unwrap(await second.requestQuit({ password: 'proctor-key-42' }))).toEqual({ allowed: true });
    expect(allowed).toBe(1);
    const outcomes = rows()
      .filter((e) => e.kind === 'close_attempt')
      .map((e) => (e.payload as { outcome: string }).outcome);
    expect(outcomes).toEqual(['wrong_password', 'wrong_password', 'wrong_password', 'too_soon', 'refused', 'too_soon', 'wrong_password', 'allowed_password']);
  });

  it('the wait holds when the wall clock is set forward, and a clock set back never makes it longer', async () => {
    const policy = PolicySchema.parse({
      schemaVersion: 1,
      integrity: { lockdown: { quitPasswordHash: hashQuitPassword('proctor-key-42', { N: 1024, r: 8, p: 1 }) } },
    });
    const jumping = new JumpingScheduler(T0);
    const session = await start({ policy, scheduler: jumping });
    unwrap(await session.requestQuit({ password: 'guess-1111' }));
    jumping.advance(1000);
    expect(unwrap(await session.requestQuit({ password: 'guess-2222' }))).toMatchObject({ allowed: false, retryInMs: 2000 });
    // Ten minutes forward on the wall clock: the monotonic clock says two seconds have not passed.
    jumping.jumpWall(10 * 60_000);
    expect(unwrap(await session.requestQuit({ password: 'proctor-key-42' }))).toMatchObject({ allowed: false, tooSoon: true, retryInMs: 2000 });
    // Two hours back: still the two seconds, not two hours.
    jumping.jumpWall(-2 * 3600_000);
    expect(unwrap(await session.requestQuit({ password: 'proctor-key-42' }))).toMatchObject({ allowed: false, tooSoon: true, retryInMs: 2000 });
    jumping.advance(2000);
    expect(unwrap(await session.requestQuit({ password: 'proctor-key-42' }))).toEqual({ allowed: true });
  });

  it('restarted with the clock set back, the wait is the wait, not the hour the clock went back', async () => {
    const policy = PolicySchema.parse({
      schemaVersion: 1,
      integrity: { lockdown: { quitPasswordHash: hashQuitPassword('proctor-key-42', { N: 1024, r: 8, p: 1 }) } },
    });
    const before = new JumpingScheduler(T0);
    const first = await start({ policy, scheduler: before });
    unwrap(await first.requestQuit({ password: 'guess-1111' }));
    before.advance(1000);
    unwrap(await first.requestQuit({ password: 'guess-2222' }));
    await first.close();
    open.splice(open.indexOf(first), 1);
    const after = new JumpingScheduler(T0 - 3600_000);
    const second = await start({ policy, scheduler: after });
    expect(unwrap(await second.requestQuit({ password: 'proctor-key-42' }))).toMatchObject({ allowed: false, tooSoon: true, retryInMs: 2000, wrongPasswords: 2 });
    after.advance(2000);
    expect(unwrap(await second.requestQuit({ password: 'proctor-key-42' }))).toEqual({ allowed: true });
  });

  it('the wait grows to five minutes and no further', async () => {
    const session = await start();
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      const d = unwrap(await session.requestQuit({ password: `guess-${i}` }));
      waits.push(d.retryInMs ?? 0);
      clock.advanceBy(d.retryInMs ?? 0);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300].map((s) => s * 1000));
  });

  it('a relaunch after an unclean exit states how long capture was off; a clean close does not', async () => {
    const first = await start();
    clock.advanceBy(25_000); // heartbeats every 10 s: the last at T0 + 20 s
    // Killed: no close(), so no session_closed row. Its store is left to the OS (closed here for the test).
    open.splice(open.indexOf(first), 1);
    (first as unknown as { store: AuditStore }).store.close();
    clock.advanceBy(95_000);
    const second = await start();
    const gap = rows().find((e) => e.kind === 'integrity_finding' && e.payload.kind === 'capture_gap');
    expect(gap?.payload).toMatchObject({ evidence: { gapMs: 100_000, lastHeartbeat: T0 + 20_000 } });
    expect(String(gap?.payload.message)).toMatch(/capture was off for about 100 s/);
    expect(unwrap(await second.getSnapshot()).notices.join(' ')).toMatch(/closed unexpectedly/);

    await second.close();
    clock.advanceBy(30_000);
    await start();
    expect(rows().filter((e) => e.kind === 'integrity_finding' && e.payload.kind === 'capture_gap')).toHaveLength(1);
  });

  it('what the exam started with by the policy (a VM warning) is recorded during the exam, not charged; what it did not is', async () => {
    let toSession: ((e: RawEvent) => void) | null = null;
    const os: RawEventSource = { name: 'fake OS watcher', start: (e) => (toSession = e), stop: () => (toSession = null) };
    const emit = (o: IntegrityObservation) => toSession!({ kind: 'integrity', t: o.t, observation: o });
    const check: SystemCheckRunner = async () => ({
      ok: true,
      findings: [{ kind: 'virtual_machine', severity: 'warn', message: 'Vigil is running inside a virtual machine.' }],
    });
    const session = await start({ systemCheck: check, sources: [os] });
    unwrap(await session.startExam());
    emit({ t: clock.now(), kind: 'virtual_machine', evidence: ['the CPU reports the hypervisor flag'] });
    expect(unwrap(await session.getSnapshot()).risk.score).toBe(0);
    emit({ t: clock.now(), kind: 'remote_session', evidence: ['x11vnc listening on 5900'] });
    expect(unwrap(await session.getSnapshot()).risk.score).toBe(defaultPolicy().ledger.integrityPoints.remote_session);
    const findings = rows().filter((e) => e.kind === 'integrity_finding').map((e) => e.payload.kind);
    expect(findings).toContain('virtual_machine_accepted');
  });
});
