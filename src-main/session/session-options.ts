import type { Exam, Policy, RawEventSource, Scheduler } from '../contract';

export interface ExamSessionOptions {
  exam: Exam;
  policy: Policy;
  /** Folder holding one SQLite database per exam attempt. */
  dataDir: string;
  studentId: string;
  scheduler?: Scheduler;
  /** Raw event producers (input hook, system sampler); the session starts and stops them. */
  sources?: RawEventSource[];
  /** better-sqlite3 build for the running ABI (Electron's), when it is not Node's. */
  nativeBinding?: string;
  /** Overrides policy.serverUrl (the `--server-url` flag). */
  serverUrl?: string | null;
  log?: (line: string) => void;
}
