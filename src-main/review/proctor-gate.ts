import { err, ok, type Result } from '../contract/result';
import { REVIEW_ACCESS_VERBS, type ReviewAccessState } from '../contract/review-access';
import type { ReviewVerb } from '../contract/review';
import { verifyQuitPassword } from '../exam/quit-password';
import { nextTryAt, retryDelayMs, waitText } from '../exam/password-throttle';
import { ReviewAccessLog, type AccessHistory, type AccessOutcome } from './review-access-log';

// Kept importable from here: the wait is shared with the quit guard (exam/password-throttle.ts).
export { MAX_RETRY_DELAY_MS, retryDelayMs } from '../exam/password-throttle';

/** What the gate stands in front of: ReviewService, or anything with its `invoke`. */
export interface ReviewInvoker {
  invoke(verb: ReviewVerb, input: unknown): Promise<Result<unknown>>;
}

export interface ProctorGateOptions {
  service: ReviewInvoker;
  /**
   * The policy's proctor password (`integrity.lockdown.quitPasswordHash`, the one the quit
   * dialog checks), or null when this review asks for none (review-gate-rule.ts decides).
   */
  passwordHash: string | null;
  /** The reviewed folder: the sign-in log goes beside its review file. */
  root: string;
  now?: () => number;
  /** The app log; sign-ins and wrong passwords are written there too. */
  log?: (line: string) => void;
}

/**
 * The proctor's sign-in in front of the review verbs. Until the password matches, every
 * review verb is refused here, in main, whatever the page shows. Wrong passwords make the
 * next try wait longer (retryDelayMs); every try is recorded in the sign-in log beside the
 * review file, and a try that cannot be recorded is refused. The password is checked with
 * the quit dialog's verifier (exam/quit-password.ts), never stored or logged.
 */
export class ProctorGate {
  private signedIn = false;
  private readonly accessLog: ReviewAccessLog | null;
  private history: AccessHistory;
  /** The history as it was before this sign-in: what the proctor is told once in. */
  private beforeSignIn: AccessHistory | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: ProctorGateOptions) {
    this.now = opts.now ?? Date.now;
    this.accessLog = opts.passwordHash === null ? null : new ReviewAccessLog(opts.root);
    this.history = this.accessLog?.history() ?? { failedSinceLastSignIn: 0, lastFailureAt: null, lastSignInAt: null, unreadableLines: 0 };
    if (this.history.unreadableLines > 0) this.say(`${this.history.unreadableLines} unreadable line(s) in ${this.accessLog?.file} were skipped`);
  }

  get required(): boolean {
    return this.opts.passwordHash !== null;
  }

  state(): ReviewAccessState {
    const shown = this.beforeSignIn ?? this.history;
    const retryAt = this.retryAt();
    return {
      required: this.required,
      signedIn: this.signedIn,
      failedSinceLastSignIn: shown.failedSinceLastSignIn,
      lastFailureAt: shown.lastFailureAt,
      previousSignInAt: shown.lastSignInAt,
      retryAt: !this.signedIn && retryAt > this.now() ? retryAt : null,
      logFile: this.accessLog?.file ?? null,
    };
  }

  /** One call from the review page: the sign-in verbs here, the review verbs only once signed in. */
  async invoke(verb: string, input: unknown): Promise<Result<unknown>> {
    if (verb === 'reviewAccess') {
      const parsed = REVIEW_ACCESS_VERBS.reviewAccess.input.safeParse(input ?? {});
      return parsed.success ? ok(this.state()) : err('invalid_input', 'reviewAccess takes no input.');
    }
    if (verb === 'proctorSignIn') return this.signIn(input);
    if (verb === 'proctorSignOut') return this.signOut(input);
    if (this.required && !this.signedIn) {
      return err('not_signed_in', 'The review is locked: sign in with the proctor password first.');
    }
    return this.opts.service.invoke(verb as ReviewVerb, input);
  }

  private signIn(input: unknown): Result<ReviewAccessState> {
    const parsed = REVIEW_ACCESS_VERBS.proctorSignIn.input.safeParse(input ?? {});
    if (!parsed.success) return err('invalid_input', 'Type the proctor password.');
    const hash = this.opts.passwordHash;
    if (hash === null || this.signedIn) return ok(this.state());
    const at = this.now();
    const retryAt = this.retryAt();
    if (retryAt > at) {
      const recorded = this.record('too_soon', at);
      if (!recorded.ok) return recorded;
      return err('try_later', `Too many wrong passwords: try again in ${waitText(retryAt - at)}.`);
    }
    let match: boolean;
    try {
      match = verifyQuitPassword(parsed.data.password, hash);
    } catch (e) {
      // The policy schema refuses a malformed hash at load; if one gets here, nobody gets in.
      return err('internal', `The proctor password cannot be checked: ${(e as Error).message}`);
    }
    const recorded = this.record(match ? 'signed_in' : 'wrong_password', at);
    if (!recorded.ok) return recorded;
    if (match) {
      this.beforeSignIn = this.history;
      this.history = { ...this.history, failedSinceLastSignIn: 0, lastFailureAt: null, lastSignInAt: at };
      this.signedIn = true;
      return ok(this.state());
    }
    this.history = { ...this.history, failedSinceLastSignIn: this.history.failedSinceLastSignIn + 1, lastFailureAt: at };
    const n = this.history.failedSinceLastSignIn;
    return err(
      'wrong_password',
      `Wrong password. ${n} wrong ${n === 1 ? 'password' : 'passwords'} since the last proctor sign-in; try again in ${waitText(retryDelayMs(n))}.`,
    );
  }

  private signOut(input: unknown): Result<ReviewAccessState> {
    if (!REVIEW_ACCESS_VERBS.proctorSignOut.input.safeParse(input ?? {}).success) return err('invalid_input', 'proctorSignOut takes no input.');
    if (!this.signedIn) return ok(this.state());
    // Locked first: a sign-out that cannot be recorded still locks.
    this.signedIn = false;
    this.beforeSignIn = null;
    const recorded = this.record('signed_out', this.now());
    return recorded.ok ? ok(this.state()) : recorded;
  }

  private retryAt(): number {
    return nextTryAt({ failures: this.history.failedSinceLastSignIn, lastFailureAt: this.history.lastFailureAt });
  }

  /** A try that cannot be recorded is refused: a guess must never go unrecorded. */
  private record(outcome: AccessOutcome, at: number): Result<null> {
    try {
      this.accessLog?.record(outcome, at);
    } catch (e) {
      this.say(`proctor sign-in refused: ${(e as Error).message}`);
      return err('storage_failed', `${(e as Error).message}. The review stays locked.`);
    }
    this.say(`proctor sign-in: ${outcome.replace('_', ' ')}`);
    return ok(null);
  }

  private say(line: string): void {
    this.opts.log?.(`review: ${line}`);
  }
}
