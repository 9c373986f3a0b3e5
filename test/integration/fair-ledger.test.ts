import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { defaultPolicy, PolicySchema } from '../../src-main/contract';
import type { IntegrityObservation, Policy, RawEvent, RawEventSource, SessionSnapshot } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { attemptDatabaseFile, openExamSession, type ExamSession } from '../../src-main/session/open-exam-session';
import { FakeClock } from '../fake-clock';
import { unwrap } from '../unwrap';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const OWN_PID = 4242;

/** Stands in for the OS watcher: the test says what it observes, the session hears it as from the real one. */
class FakeOsWatcher implements RawEventSource {
  readonly name = 'fake OS watcher';
  private emit: ((e: RawEvent) => void) | null = null;
  start(emit: (e: RawEvent) => void): void {
    this.emit = emit;
  }
  stop(): void {
    this.emit = null;
  }
  send(o: IntegrityObservation): void {
    this.emit?.({ kind: 'integrity', t: o.t, observation: o });
  }
}

describe('a fair ledger, on the real session with a fake clock', () => {
  let dataDir: string;
  let clock: FakeClock;
  let os: FakeOsWatcher;
  const open: ExamSession[] = [];

  async function start(policy: Policy = defaultPolicy()): Promise<{ session: ExamSession; snapshots: SessionSnapshot[] }> {
    const session = await openExamSession({
      exam: unwrap(loadExamFile(DEMO_EXAM_FILE)),
      policy,
      dataDir,
      studentId: 'student-honest',
      scheduler: clock,
      serverUrl: null,
      sources: [os],
      isOwnPid: (pid) => pid === OWN_PID,
      log: () => {},
    });
    open.push(session);
    const snapshots: SessionSnapshot[] = [];
    session.onSnapshot((s) => snapshots.push(s));
    return { session, snapshots };
  }

  const page = async (session: ExamSession, focused: boolean) => unwrap(await session.reportWindowEvent({ kind: 'focus', focused }));
  const foreground = (pid: number | null, appClass: string | null, executable: string | null = null, title: string | null = null) =>
    os.send({ t: clock.now(), kind: 'foreground_changed', pid, appClass, executable, title, window: 0x400007 });
  const snap = async (session: ExamSession) => unwrap(await session.getSnapshot());
  /** Lets time pass with the scoring and heartbeat timers running, as in a real exam. */
  const pass = (ms: number) => {
    for (let left = ms; left > 0; left -= 1000) clock.advanceBy(Math.min(1000, left));
  };
  const integrityRows = () => {
    const store = AuditStore.open(attemptDatabaseFile(dataDir, 'demo-physics-101', 'student-honest'));
    try {
      return store.entries({ limit: 10_000 }).filter((e) => e.kind === 'integrity_event').map((e) => e.payload as Record<string, unknown>);
    } finally {
      store.close();
    }
  };

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-fair-'));
    clock = new FakeClock(T0);
    os = new FakeOsWatcher();
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("the issue's reproduction: four focus losses of about a second each neither score nor submit", async () => {
    const { session } = await start();
    pass(10_000);
    for (let i = 0; i < 4; i++) {
      await page(session, false);
      pass(1000);
      await page(session, true);
      pass(2000);
    }
    // The issue saw the auto-submission about ten seconds later; wait much longer, with scoring running.
    pass(60_000);
    const s = await snap(session);
    expect(s.phase).toBe('active');
    expect(s.risk.score).toBe(0);
    expect(s.returnWarning).toBeNull();
    // Each loss is on record, once, at no cost.
    const rows = integrityRows().filter((r) => r.kind === 'focus_lost');
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r).toMatchObject({ points: 0, grace: false });
    // And the behavioural side did not count them again: no focus_collapse reason, no focus features.
    expect(s.risk.reasons.filter((r) => r.code === 'focus_collapse')).toEqual([]);
  });

  it('a notification that takes focus is logged at no cost', async () => {
    const { session } = await start();
    pass(5000);
    foreground(901, 'Xfce4-notifyd', '/usr/lib/x86_64-linux-gnu/xfce4/notifyd/xfce4-notifyd');
    await page(session, false);
    pass(4000);
    foreground(OWN_PID, 'vigil');
    await page(session, true);
    pass(30_000);
    const s = await snap(session);
    expect(s.risk.score).toBe(0);
    expect(s.returnWarning).toBeNull();
    const [row] = integrityRows();
    expect(row).toMatchObject({ kind: 'focus_lost', points: 0, grace: false });
    expect(row!.message).toMatch(/a notification \(xfce4-notifyd\) took focus, away 4 s/);
    // The page and the OS watcher saw one departure, recorded once.
    expect((row!.evidence as { seenBy: string[] }).seenBy.sort()).toEqual(['os', 'page']);
  });

  it('an OS dialog (a password prompt) that takes focus for half a minute is logged at no cost', async () => {
    const { session } = await start();
    foreground(902, 'Gcr-prompter', '/usr/libexec/gcr-prompter');
    await page(session, false);
    pass(30_000);
    await page(session, true);
    pass(10_000);
    const s = await snap(session);
    expect(s.risk.score).toBe(0);
    expect(integrityRows()).toMatchObject([{ kind: 'focus_lost', points: 0, grace: false }]);
  });

  it('a screen lock after inactivity, ten minutes away, costs nothing and never submits', async () => {
    const { session } = await start();
    pass(120_000);
    // The page blurs a moment before the shell hears the lock: still one departure, the lock's.
    await page(session, false);
    os.send({ t: clock.now() + 40, kind: 'power', event: 'lock-screen' });
    pass(600_000);
    os.send({ t: clock.now(), kind: 'power', event: 'unlock-screen' });
    await page(session, true);
    pass(30_000);
    const s = await snap(session);
    expect(s.phase).toBe('active');
    expect(s.risk.score).toBe(0);
    const rows = integrityRows();
    expect(rows.every((r) => r.points === 0)).toBe(true);
    expect(rows.some((r) => String(r.message).includes('the screen lock'))).toBe(true);
  });

  it('an accidental Alt+Tab undone within a second costs nothing, even to a known app', async () => {
    const { session } = await start();
    foreground(903, 'firefox', '/usr/lib/firefox/firefox');
    await page(session, false);
    pass(600);
    foreground(OWN_PID, 'vigil');
    await page(session, true);
    pass(20_000);
    expect((await snap(session)).risk.score).toBe(0);
    expect(integrityRows()).toMatchObject([{ kind: 'focus_lost', points: 0 }]);
    expect(String(integrityRows()[0]!.message)).toMatch(/switched to firefox, away 0.6 s \(under 2 s: no points\)/);
  });

  it('the first real violation warns ("return to the exam") before any points; the next costs by time away', async () => {
    const { session } = await start();
    foreground(903, 'firefox', '/usr/lib/firefox/firefox');
    await page(session, false);
    pass(31_000);
    foreground(OWN_PID, 'vigil');
    await page(session, true);
    let s = await snap(session);
    expect(s.risk.score).toBe(0);
    expect(s.returnWarning).toMatchObject({ warningsLeft: 0 });
    expect(s.returnWarning!.message).toMatch(/You left the exam window: switched to firefox, away 31 s\. This time it costs nothing/);
    unwrap(await session.acknowledgeWarning({ id: s.returnWarning!.id }));
    expect((await snap(session)).returnWarning).toBeNull();

    // 2 s free, full 20 points at 60 s: 31 s away is (31-2)/58 of 20 = 10 points.
    foreground(903, 'firefox', '/usr/lib/firefox/firefox');
    await page(session, false);
    pass(31_000);
    await page(session, true);
    s = await snap(session);
    expect(s.risk.score).toBe(10);
    // A 300 ms blur costs nothing, a 60 s absence the full points.
    await page(session, false);
    pass(300);
    await page(session, true);
    expect((await snap(session)).risk.score).toBe(10);
    await page(session, false);
    pass(60_000);
    await page(session, true);
    expect((await snap(session)).risk.score).toBe(30);
    const rows = integrityRows();
    expect(rows.map((r) => [r.points, r.grace])).toEqual([
      [0, true],
      [10, false],
      [0, false],
      [20, false],
    ]);
  });

  it('a prohibited app: charged once when first seen, however many sources see it', async () => {
    const { session } = await start(PolicySchema.parse({ schemaVersion: 1, integrity: { lockdown: { leaving: { graceWarnings: 0 } } } }));
    os.send({ t: clock.now(), kind: 'prohibited_app', pid: 777, executable: '/opt/ChatGPT/chatgpt', name: 'chatgpt', category: 'ai_assistant', entry: 'chatgpt', via: 'executable_name' });
    expect((await snap(session)).risk.score).toBe(50);
    // Switching to it is the same observation; it is weighed as time away only.
    foreground(777, 'ChatGPT', '/opt/ChatGPT/chatgpt');
    await page(session, false);
    pass(1000);
    foreground(OWN_PID, 'vigil');
    await page(session, true);
    const s = await snap(session);
    expect(s.risk.score).toBe(50);
    expect(s.risk.reasons[0]).toMatchObject({ code: 'prohibited_app', points: 50 });
  });

  it('focus to a prohibited app the process watch had not reported yet costs prohibited_app points', async () => {
    const { session } = await start(PolicySchema.parse({ schemaVersion: 1, integrity: { lockdown: { leaving: { graceWarnings: 0 } } } }));
    await page(session, false);
    foreground(778, 'Ollama', '/usr/local/bin/ollama');
    pass(3000);
    foreground(OWN_PID, 'vigil');
    await page(session, true);
    const s = await snap(session);
    expect(s.risk.score).toBe(50);
    expect(s.risk.reasons[0]!.message).toMatch(/switched to ollama \(ai assistant\), away 3 s/);
  });

  it('injected input is a finding with counts, charged once; an accommodation is logged only', async () => {
    const policy = PolicySchema.parse({
      schemaVersion: 1,
      integrity: { syntheticInput: { allow: [{ device: 'onboard', reason: 'on-screen keyboard (accommodation)' }] } },
    });
    const { session } = await start(policy);
    os.send({ t: clock.now(), kind: 'synthetic_input', device: 'onboard', count: 40, keys: 40, buttons: 0, motions: 0, injectedBy: 'xtest', allowedBy: 'on-screen keyboard (accommodation)' });
    expect((await snap(session)).risk.score).toBe(0);
    os.send({ t: clock.now(), kind: 'synthetic_input', device: 'Virtual core XTEST keyboard', count: 12, keys: 12, buttons: 0, motions: 0, injectedBy: 'xtest', allowedBy: null });
    os.send({ t: clock.now() + 1000, kind: 'synthetic_input', device: 'Virtual core XTEST keyboard', count: 30, keys: 30, buttons: 0, motions: 0, injectedBy: 'xtest', allowedBy: null });
    const s = await snap(session);
    expect(s.risk.score).toBe(policy.ledger.integrityPoints.synthetic_input);
    const rows = integrityRows().filter((r) => r.kind === 'synthetic_input');
    expect(rows.map((r) => [r.points, (r.evidence as { total: number }).total, r.repeat ?? false])).toEqual([
      [50, 12, false],
      [0, 42, true],
    ]);
  });

  it('an absence that never ends is charged in full on the heartbeat, and once', async () => {
    const { session } = await start(PolicySchema.parse({ schemaVersion: 1, integrity: { lockdown: { leaving: { graceWarnings: 0 } } } }));
    foreground(903, 'firefox', '/usr/lib/firefox/firefox');
    await page(session, false);
    pass(65_000);
    expect((await snap(session)).risk.score).toBe(20);
    pass(30_000);
    await page(session, true);
    // The rest of the absence (about 35 s) is charged by its own time away.
    const s = await snap(session);
    expect(s.risk.score).toBeGreaterThan(20);
    expect(s.risk.score).toBeLessThan(35);
  });
});
