import type { Exam, IntegritySource, Policy, RawEventSource, Scheduler } from '../contract';
import type { SystemCheckRunner } from './pre-exam-check';

export interface ExamSessionOptions {
  exam: Exam;
  policy: Policy;
  /** Folder holding one SQLite database per exam attempt. */
  dataDir: string;
  studentId: string;
  scheduler?: Scheduler;
  /** Raw event producers (input hook, system sampler); the session starts and stops them. */
  sources?: RawEventSource[];
  /** Integrity observers (the OS watcher, the shell's power events); started and stopped with the raw sources. */
  integritySources?: IntegritySource[];
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
}
