import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { defaultPolicy } from '../../src-main/contract';
import type { Exam, RawEvent, RawEventSource } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { attemptDatabaseFile, openExamSession } from '../../src-main/session/open-exam-session';
import type { ExamSession } from '../../src-main/session/open-exam-session';
import { JumpingScheduler } from '../unit/clock/jumping-scheduler';
import { unwrap } from '../unwrap';

// A wall clock set forward or back an hour during an exam (issue 9).

const HOUR = 3_600_000;
const STUDENT = 'student-clock';

/** A source that is unfocused the whole time: every window carries a signal, as in the report. */
class AwayStudent implements RawEventSource {
  readonly name = 'away-student';
  emit: ((e: RawEvent) => void) | null = null;
  start(emit: (e: RawEvent) => void): void {
    this.emit = emit;
  }
  stop(): void {
    this.emit = null;
  }
}

describe('ExamSession and a wall clock that jumps', () => {
  let dataDir: string;
  let clock: JumpingScheduler;
  const open: ExamSession[] = [];
  const exam = (minutes: number): Exam => {
    const e = loadExamFile(DEMO_EXAM_FILE);
    if (!e.ok) throw new Error(e.error.message);
    return { ...e.value, durationMinutes: minutes };
  };
  async function start(minutes: number, sources: RawEventSource[] = []): Promise<ExamSession> {
    const s = await openExamSession({ exam: exam(minutes), policy: defaultPolicy(), dataDir, studentId: STUDENT, scheduler: clock, sources, serverUrl: null, log: () => {} });
    open.push(s);
    return s;
  }
  function rows(): { kind: string; payload: Record<string, unknown> }[] {
    const store = AuditStore.open(attemptDatabaseFile(dataDir, 'demo-physics-101', STUDENT), { readonly: true });
    try {
      return store.entries({ limit: 100_000 }).map((e) => ({ kind: e.kind, payload: e.payload as Record<string, unknown> }));
    } finally {
      store.close();
    }
  }
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-session-clock-'));
    clock = new JumpingScheduler();
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('set forward an hour: no burst of windows or flags, and the jump is audited', async () => {
    const away = new AwayStudent();
    const session = await start(180, [away]);
    clock.advance(20_000);
    away.emit?.({ kind: 'focus', t: clock.now(), focused: false });
    clock.advance(20_000);
    clock.jumpWall(HOUR);
    clock.advance(10_000);
    await session.close();
    const all = rows();
    const scored = all.filter((r) => r.kind === 'package_scored');
    expect(scored).toHaveLength(10); // 50 s of 5 s windows, not 50 s + 1 h of them
    expect(all.filter((r) => r.kind === 'flag_raised').length).toBeLessThanOrEqual(10);
    const jump = all.find((r) => r.kind === 'clock_jump');
    expect(jump?.payload).toMatchObject({ sizeMs: HOUR });
  });

  it('set back an hour: scoring carries on, the countdown gains nothing, and neither does a restart', async () => {
    const first = await start(45);
    clock.advance(10 * 60_000);
    clock.jumpWall(-HOUR);
    clock.advance(30_000);
    const snap = unwrap(await first.getSnapshot());
    expect(snap.deadline! - clock.now()).toBe(45 * 60_000 - 10 * 60_000 - 30_000);
    await first.close();
    const all = rows();
    expect(all.filter((r) => r.kind === 'package_scored')).toHaveLength((10 * 60 + 30) / 5);
    const jump = all.find((r) => r.kind === 'clock_jump')?.payload;
    expect(jump).toMatchObject({ sizeMs: -HOUR });
    expect(jump?.remainingMs).toBeLessThanOrEqual(35 * 60_000);

    clock.advance(60_000); // closed for a minute
    const second = await start(45);
    const resumed = unwrap(await second.getSnapshot());
    expect(resumed.deadline! - clock.now()).toBe(45 * 60_000 - 10 * 60_000 - 30_000 - 60_000);
    clock.advance(45 * 60_000 - 10 * 60_000 - 30_000 - 60_000);
    expect(unwrap(await second.getSnapshot()).phase).toBe('submitted');
  });

  it('a save that arrives after time ran out is kept as the final answer and submitted with it', async () => {
    const session = await start(45);
    unwrap(await session.saveAnswer({ questionId: 'q4', value: 'first draft' }));
    clock.advance(30 * 60_000);
    clock.jumpWall(HOUR); // time is up on the wall clock; the time-up timer has not fired yet
    const late = await session.saveAnswer({ questionId: 'q4', value: 'first draft, and the last sentence' });
    expect(late.ok).toBe(true);
    const snap = unwrap(await session.getSnapshot());
    expect(snap.phase).toBe('submitted');
    expect(snap.submission).toMatchObject({ reason: 'time_up', answerCount: 1 });
    expect(snap.answers.q4?.value).toBe('first draft, and the last sentence');
    await session.close();
    const submission = rows().filter((r) => r.kind === 'submission');
    expect(submission).toHaveLength(1);
  });
});
