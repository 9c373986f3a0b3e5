import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { defaultPolicy } from '../../src-main/contract';
import type { Exam, Result, SavedAnswer } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { attemptDatabaseFile, openExamSession } from '../../src-main/session/open-exam-session';
import type { ExamSession } from '../../src-main/session/open-exam-session';
import { FakeClock } from '../fake-clock';
import { unwrap } from '../unwrap';

// What the engine refuses or bounds on its own, whoever calls it (issue 9).

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const demoExam = (): Exam => {
  const e = loadExamFile(DEMO_EXAM_FILE);
  if (!e.ok) throw new Error(e.error.message);
  return e.value;
};

describe('ExamSession boundaries', () => {
  let dataDir: string;
  let scheduler: FakeClock;
  const open: ExamSession[] = [];
  const start = async (exam: Exam = demoExam(), dir = dataDir) => {
    const s = await openExamSession({ exam, policy: defaultPolicy(), dataDir: dir, studentId: 'student-b', scheduler, serverUrl: null, log: () => {} });
    open.push(s);
    return s;
  };
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-boundaries-'));
    scheduler = new FakeClock(T0);
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses an exam with duplicate question ids given to the engine directly', async () => {
    const exam = demoExam();
    const twice = { ...exam, questions: [...exam.questions, { ...exam.questions[0]! }] };
    await expect(start(twice)).rejects.toThrow(/question ids must be unique \(q1 appears twice\)/);
    expect(existsSync(attemptDatabaseFile(dataDir, exam.id, 'student-b'))).toBe(false);
  });

  it('a burst of 5,000 saves: a few snapshots, every acknowledged save kept, the rest told to retry', async () => {
    const session = await start();
    let snapshots = 0;
    session.onSnapshot(() => snapshots++);
    const results: Result<SavedAnswer>[] = await Promise.all(
      Array.from({ length: 5000 }, (_, i) => session.saveAnswer({ questionId: 'q4', value: `draft ${i}` })),
    );
    const accepted = results.flatMap((r, i) => (r.ok ? [i] : []));
    const refused = results.filter((r) => !r.ok);
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.length).toBeLessThanOrEqual(200);
    for (const r of refused) expect(r).toMatchObject({ ok: false, error: { code: 'too_fast', message: expect.stringMatching(/too many saves at once; retry/i) } });
    expect(snapshots).toBeLessThanOrEqual(3);
    const last = accepted.at(-1)!;
    expect(unwrap(await session.getSnapshot()).answers.q4?.value).toBe(`draft ${last}`);
    // The budget refills: the page's retry goes through.
    scheduler.advanceBy(1000);
    expect((await session.saveAnswer({ questionId: 'q4', value: 'retried' })).ok).toBe(true);
    await session.close();
    const store = AuditStore.open(attemptDatabaseFile(dataDir, demoExam().id, 'student-b'), { readonly: true });
    expect(store.entries({ limit: 100_000 }).filter((e) => e.kind === 'answer_saved')).toHaveLength(accepted.length + 1);
    store.close();
  });

  it('says which data folder cannot be written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-ro-'));
    chmodSync(dir, 0o555);
    let target: string | null = dir;
    try {
      writeFileSync(path.join(dir, 'probe'), 'x');
      target = existsSync('/sys/kernel') ? '/sys/kernel' : null; // root ignores modes; sysfs refuses even root
    } catch {
      // not writable: as intended
    }
    if (target === null) return void console.log('skipped: no read-only folder on this machine');
    await expect(start(demoExam(), target)).rejects.toThrow(new RegExp(`The data folder ${target.replace(/[/.]/g, '\\$&')} cannot be written`));
  });
});

