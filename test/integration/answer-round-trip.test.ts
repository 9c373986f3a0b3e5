import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { defaultPolicy } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { attemptDatabaseFile, openExamSession } from '../../src-main/session/open-exam-session';
import { FakeClock } from '../fake-clock';

// Whatever the student's editor produces either comes back exactly after a restart, or is
// refused when it is saved, with a message. Nothing in between.

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const STUDENT = 'student-rt';
const exam = loadExamFile(DEMO_EXAM_FILE);
if (!exam.ok) throw new Error(exam.error.message);

/** What a UTF-8 hash of the text would be if nothing replaced anything. */
const utf16Exact = (s: string): boolean => Buffer.from(s, 'utf8').toString('utf8') === s;

describe('answers round-trip exactly or are refused', () => {
  let dataDir: string;
  let scheduler: FakeClock;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-roundtrip-'));
    scheduler = new FakeClock(T0);
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const open = () =>
    openExamSession({ exam: exam.value, policy: defaultPolicy(), dataDir, studentId: STUDENT, scheduler, serverUrl: null, log: () => {} });

  async function saveCloseReopen(value: string): Promise<{ saved: boolean; message: string; readBack: string | undefined }> {
    const first = await open();
    const r = await first.saveAnswer({ questionId: 'q4', value });
    await first.close();
    const second = await open();
    const snap = await second.getSnapshot();
    await second.close();
    if (!snap.ok) throw new Error(snap.error.message);
    return { saved: r.ok, message: r.ok ? '' : r.error.message, readBack: snap.value.answers.q4?.value };
  }

  it('property: save -> close -> reopen -> read -> verify', async () => {
    let lastSaved: string | undefined;
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), async (value) => {
        const { saved, message, readBack } = await saveCloseReopen(value);
        if (saved) {
          lastSaved = value;
          expect(readBack).toBe(value);
          expect(utf16Exact(value)).toBe(true);
        } else {
          // Refused at save: the text the student had before is untouched, and the message says why.
          expect(message).toMatch(/unpaired UTF-16 surrogate/);
          expect(readBack).toBe(lastSaved);
        }
        const store = AuditStore.open(attemptDatabaseFile(dataDir, exam.value.id, STUDENT), { readonly: true });
        try {
          expect(store.verify().ok).toBe(true);
          const rows = store.entries().filter((e) => e.kind === 'answer_saved');
          const last = rows.at(-1);
          if (lastSaved !== undefined) {
            expect(last?.payload).toMatchObject({
              questionId: 'q4',
              length: lastSaved.length,
              sha256: createHash('sha256').update(lastSaved, 'utf8').digest('hex'),
            });
          }
        } finally {
          store.close();
        }
      }),
      { numRuns: 60, examples: [['a\uD800'], ['\uDC00'], ['\uD83D\uDE00'], ['x\uDBFF\uDBFFy'], ['']] },
    );
  });

  it('refuses the lone surrogate of the report with a message, and keeps a paired one', async () => {
    const lone = await saveCloseReopen('a\uD800');
    expect(lone).toMatchObject({ saved: false, readBack: undefined });
    expect(lone.message).toMatch(/The answer contains an unpaired UTF-16 surrogate \(U\+D800 at character 2\)/);
    expect(await saveCloseReopen('\uD83D\uDE00')).toMatchObject({ saved: true, readBack: '\uD83D\uDE00' });
  });
});
