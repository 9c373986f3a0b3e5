import type { Exam, Policy, RawEventSource, Scheduler } from '../contract';
import type { EscrowIdentity } from './key-escrow';
import type { ServerAttempt } from './server-registration';
import type { SystemCheckRunner } from './pre-exam-check';

export interface ExamSessionOptions {
  exam: Exam;
  policy: Policy;
  /** Folder holding one SQLite database per exam attempt. */
  dataDir: string;
  studentId: string;
  scheduler?: Scheduler;
  /**
   * Event producers the session starts and stops: input hook, system sampler, and the
   * integrity monitor and the shell's power events, whose `{kind:'integrity'}` events go to
   * the integrity watch (the fair ledger) instead of behavioural detection.
   */
  sources?: RawEventSource[];
  /**
   * The pre-exam system check. With one, a new attempt opens in the `checking` phase and its
   * time starts at startExam; without one (tests, tools) it starts at once.
   */
  systemCheck?: SystemCheckRunner;
  /** The proctor's password let Vigil close (the shell quits). */
  onCloseAllowed?: () => void;
  /** Our own processes: the OS watcher's foreground on one of them is the exam (default: this process). */
  isOwnPid?: (pid: number) => boolean;
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
   * in the same transaction as session_started (key-escrow.ts). Default: whenever the
   * attempt is not registered and a server URL is configured.
   */
  escrowKey?: boolean;
  /** What the student signed in with while the server was unreachable: it goes with the escrow. */
  escrowIdentity?: EscrowIdentity;
  /**
   * The attempt as the exam server registered it (server-registration.ts): its session id,
   * K_0, upload token, deadline on the server's clock and the last checkpoint to check a
   * resumed log against. Absent in demo/offline mode.
   */
  server?: ServerAttempt;
  /** For the calls to the exam server outside the outbox (starting the exam's time); tests put a network in between. */
  fetch?: typeof globalThis.fetch;
}
