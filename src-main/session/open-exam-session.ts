import { z } from 'zod';
import { createRealScheduler } from '../clock/real-scheduler';
import { ExamSchema } from '../contract';
import { openAttemptFile } from './attempt-file';
import { ensureWritableDataFolder } from './data-folder';
import { ExamSession } from './exam-session';
import type { ExamSessionOptions } from './session-options';

export { attemptDatabaseFile } from './attempt-file';
export { ExamSession } from './exam-session';
export type { ExamSessionOptions } from './session-options';

/** Opens the attempt's database, builds the session on what it holds, and starts it. */
export async function openExamSession(opts: ExamSessionOptions): Promise<ExamSession> {
  // The file loader checks the exam too, but the engine may be given one directly: two
  // questions with one id would share one answer.
  const exam = ExamSchema.safeParse(opts.exam);
  if (!exam.success) throw new Error(`The exam ${opts.exam?.id ?? ''} cannot be used:\n${z.prettifyError(exam.error)}`);
  ensureWritableDataFolder(opts.dataDir);
  const scheduler = opts.scheduler ?? createRealScheduler();
  const opened = openAttemptFile({
    dataDir: opts.dataDir,
    examId: opts.exam.id,
    studentId: opts.studentId,
    policy: opts.policy,
    clock: scheduler,
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
  });
  let session: ExamSession | null = null;
  try {
    session = new ExamSession(opts, opened.file, opened.store, scheduler, opened.restored, opened);
    session.start();
    return session;
  } catch (e) {
    if (session) await session.close();
    else opened.store.close();
    throw e;
  }
}
