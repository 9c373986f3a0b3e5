import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AuditStore } from '../audit/audit-store';
import type { Clock, Policy } from '../contract';
import { restoreAttempt } from './attempt-restore';
import type { RestoredAttempt } from './attempt-restore';

/**
 * The database of one attempt: the same exam and student always resume the same file. The
 * readable part of the name is lossy ("a.b" and "a_b" both read a_b), so a digest of the
 * exact student id keeps two students apart.
 */
export const attemptDatabaseFile = (dataDir: string, examId: string, studentId: string): string => {
  const readable = studentId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  const digest = createHash('sha256').update(studentId).digest('hex').slice(0, 12);
  return path.join(dataDir, `${examId}--${readable}-${digest}.sqlite`);
};

export interface AttemptFileOptions {
  /** Folder holding one SQLite database per exam attempt; created if missing. */
  dataDir: string;
  examId: string;
  studentId: string;
  /** The installed policy: a new attempt starts under it, a resumed one keeps its own. */
  policy: Policy;
  /** Stamps the store's rows. */
  clock: Clock;
  /** better-sqlite3 build for the running ABI (Electron's), when it is not Node's. */
  nativeBinding?: string;
}

export interface OpenedAttempt {
  file: string;
  store: AuditStore;
  /** What the attempt's own audit log says about it; null for a new attempt. */
  restored: RestoredAttempt | null;
}

/** Opens (or creates) the attempt's database and reads the attempt back from it. */
export function openAttemptFile(opts: AttemptFileOptions): OpenedAttempt {
  mkdirSync(opts.dataDir, { recursive: true });
  const file = attemptDatabaseFile(opts.dataDir, opts.examId, opts.studentId);
  const store = AuditStore.open(file, {
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
    now: () => opts.clock.now(),
  });
  try {
    return { file, store, restored: restoreAttempt(store, opts.policy) };
  } catch (e) {
    store.close();
    throw e;
  }
}
