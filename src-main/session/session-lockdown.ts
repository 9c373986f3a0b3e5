import type { AuditStore } from '../audit/audit-store';
import { AcknowledgeWarningInputSchema, RequestQuitInputSchema, err, ok } from '../contract';
import type { Policy, QuitDecision, Result, SessionPhase, StartExamResult, SystemCheckReport } from '../contract';
import type { IntegrityWatch } from './integrity-watch';
import { PreExamCheck, type ServerStart, type SystemCheckRunner } from './pre-exam-check';
import { NO_FAILURES, waitMs, type FailureRecord } from '../exam/password-throttle';
import { afterCloseAttempt, decideClose, type CloseOutcome } from './quit-guard';
import type { SessionReporter } from './session-reporter';

export interface SessionLockdownOptions {
  store: AuditStore;
  reporter: SessionReporter;
  policy: Policy;
  now: () => number;
  /** A clock no one can set: the wait after a wrong quit password is measured on it. */
  monotonic: () => number;
  /** The pre-exam system check; without one the exam's time starts when it opens. */
  systemCheck: SystemCheckRunner | undefined;
  /** The check's warnings a restored attempt started with. */
  restoredWarnings: readonly string[];
  /** Wrong quit passwords in a row before this run (from the audit log): the wait carries on. */
  restoredQuitFailures: FailureRecord | undefined;
  integrity: () => IntegrityWatch;
  phase: () => SessionPhase;
  closed: () => boolean;
  /** The check passed: the session starts the exam's time at `startedAt`. */
  begin: (startedAt: number) => void;
  /**
   * After the check passed, before exam_started is written: the exam server starts the time
   * and says when (its clock) and until when, or the claim to send it goes in the outbox;
   * null for an attempt without a server.
   */
  startOnServer: () => Promise<ServerStart | null>;
  /** The proctor's password let Vigil close (the shell quits). */
  onCloseAllowed: (() => void) | undefined;
  emit: () => void;
}

/**
 * The lock around one attempt, before and during its time: the pre-exam system check that
 * gates the start, the "return to the exam" warning the student acknowledges, and the
 * quit guard (closing only once submitted, or with the proctor's password; every attempt
 * audited). The session owns the phase; this asks it and tells it when the time starts.
 */
export class SessionLockdown {
  readonly check: PreExamCheck | null;
  /** What the policy let the exam start with (warnings of the check): recorded during the exam, not charged again. */
  private warnings: ReadonlySet<string>;
  /** Wrong quit passwords in a row, kept in step with the close_attempt rows written. */
  private quitFailures: FailureRecord;
  /**
   * The last wrong one on the monotonic clock, which the wait is measured on: setting the
   * wall clock forward does not end it, setting it back does not stretch it.
   */
  private lastFailureMono: number | null;

  constructor(private readonly opts: SessionLockdownOptions) {
    this.check = opts.systemCheck ? new PreExamCheck(opts.systemCheck, opts.store, opts.now) : null;
    this.warnings = new Set(opts.restoredWarnings);
    this.quitFailures = opts.restoredQuitFailures ?? NO_FAILURES;
    // Restored: the log's wall time says how much of the wait passed before this run (none if the clock went back).
    const last = this.quitFailures.lastFailureAt;
    this.lastFailureMono = last === null ? null : opts.monotonic() - Math.max(0, opts.now() - last);
  }

  get acceptedAtStart(): ReadonlySet<string> {
    return this.warnings;
  }

  async runSystemCheck(): Promise<Result<SystemCheckReport>> {
    if (!this.check) return err('invalid_input', 'This exam has no pre-exam system check.');
    if (this.opts.phase() !== 'checking') return err('invalid_input', 'The exam has already started; the system check runs before it.');
    try {
      const report = await this.check.check();
      this.opts.emit();
      return ok(report);
    } catch (e) {
      return this.opts.reporter.storageFailure('recording the system check', e);
    }
  }

  /**
   * Starts the exam's time, after checking the machine once more: a clean check starts it,
   * warnings the policy allows start it with the warnings on record, a blocking finding
   * does not. Starting an exam that runs already is a no-op that says so.
   */
  async startExam(): Promise<Result<StartExamResult>> {
    if (!this.check) return err('invalid_input', 'This exam has no pre-exam system check; it started when it opened.');
    const phase = this.opts.phase();
    if (phase !== 'checking') {
      const last = this.check.report;
      return last ? ok({ started: phase !== 'submitted', check: last }) : err('invalid_input', 'The exam has already started.');
    }
    try {
      const { check, startedAt } = await this.check.start(() => this.opts.phase() === 'checking' && !this.opts.closed(), this.opts.startOnServer);
      // Two Starts at once share one start (pre-exam-check.ts); only the first begins the time.
      if (startedAt !== null && this.opts.phase() === 'checking') {
        this.warnings = new Set(check.findings.filter((f) => f.severity === 'warn').map((f) => f.kind));
        this.opts.begin(startedAt);
      }
      this.opts.emit();
      return ok({ started: startedAt !== null, check });
    } catch (e) {
      return this.opts.reporter.storageFailure('starting the exam', e);
    }
  }

  async acknowledgeWarning(input: { id: string }): Promise<Result<null>> {
    const parsed = AcknowledgeWarningInputSchema.safeParse(input);
    if (!parsed.success) return this.opts.reporter.rejected('acknowledgeWarning', 'Unrecognised warning.');
    try {
      this.opts.integrity().acknowledge(parsed.data.id, this.opts.now());
      return ok(null);
    } catch (e) {
      return this.opts.reporter.storageFailure('recording that the warning was read', e);
    }
  }

  /** The proctor's quit password from the exam window; a match lets the shell close Vigil. */
  async requestQuit(input: { password: string }): Promise<Result<QuitDecision>> {
    const parsed = RequestQuitInputSchema.safeParse(input);
    if (!parsed.success) return this.opts.reporter.rejected('requestQuit', 'The password could not be read.');
    const outcome = this.requestClose('proctor_password', parsed.data.password);
    const allowed = outcome === 'allowed_password' || outcome === 'allowed_submitted';
    if (allowed) {
      this.opts.onCloseAllowed?.();
      return ok({ allowed });
    }
    return ok({
      allowed,
      retryInMs: this.quitWait(),
      wrongPasswords: this.quitFailures.failures,
      ...(outcome === 'too_soon' ? { tooSoon: true } : {}),
    });
  }

  /**
   * Someone tries to close Vigil (`via`: the window's close button, the app quitting, the
   * OS ending the session). Allowed once the exam is submitted or with the proctor's quit
   * password; audited either way. The shell closes only on an `allowed_*` outcome.
   */
  requestClose(via: string, password?: string): CloseOutcome {
    try {
      const at = this.opts.now();
      const outcome = decideClose(this.opts.store, at, {
        via,
        submitted: this.opts.phase() === 'submitted',
        ...(password !== undefined ? { password } : {}),
        passwordHash: this.opts.policy.integrity.lockdown.quitPasswordHash,
        waitMs: this.quitWait(),
      });
      // Only once its row is written: the count in memory never runs ahead of the log.
      this.quitFailures = afterCloseAttempt(this.quitFailures, { at, outcome });
      if (outcome === 'wrong_password') this.lastFailureMono = this.opts.monotonic();
      else if (outcome === 'allowed_password') this.lastFailureMono = null;
      return outcome;
    } catch (e) {
      // The attempt cannot be audited: closing is refused rather than unrecorded.
      this.opts.reporter.reportError('recording a close attempt', e);
      return 'refused';
    }
  }

  /** The wait before the next quit password is checked, on the monotonic clock. */
  private quitWait(): number {
    return waitMs({ failures: this.quitFailures.failures, lastFailureAt: this.lastFailureMono }, this.opts.monotonic());
  }
}
