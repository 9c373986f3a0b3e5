import type { Exam, Policy, RawEventSource, Scheduler } from '../contract';
import type { ServerAttempt } from './server-registration';

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
  /**
   * K_0 of the attempt's keyed chain, from the exam server's registration. Without it (offline,
   * demo) a new attempt makes its own.
   */
  k0?: Buffer;
  /**
   * Queue a locally made K_0 for escrow (`POST /api/sessions/:id/key-escrow`, src-server)
   * in the same transaction as session_started. Off until the app registers with that
   * server (the reference server in test/ has no such route and would refuse it).
   */
  escrowKey?: boolean;
  /**
   * The attempt as the exam server registered it (server-registration.ts): its session id,
   * K_0, upload token, deadline on the server's clock and the last checkpoint to check a
   * resumed log against. Absent in demo/offline mode.
   */
  server?: ServerAttempt;
}
