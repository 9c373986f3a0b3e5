import { createRealScheduler } from '../clock/real-scheduler';
import { openAttemptFile } from './attempt-file';
import { ExamSession } from './exam-session';
import type { ExamSessionOptions } from './session-options';

export { attemptDatabaseFile } from './attempt-file';
export { ExamSession } from './exam-session';
export type { ExamSessionOptions } from './session-options';

/** Opens the attempt's database, builds the session on what it holds, and starts it. */
export async function openExamSession(opts: ExamSessionOptions): Promise<ExamSession> {
  const scheduler = opts.scheduler ?? createRealScheduler();
  const { file, store, restored } = openAttemptFile({
    dataDir: opts.dataDir,
    examId: opts.exam.id,
    studentId: opts.studentId,
    policy: opts.policy,
    clock: scheduler,
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
  });
  let session: ExamSession | null = null;
  try {
    session = new ExamSession(opts, file, store, scheduler, restored);
    session.start();
    return session;
  } catch (e) {
    if (session) await session.close();
    else store.close();
    throw e;
  }
}
