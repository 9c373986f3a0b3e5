import { SignInInputSchema, err, ok } from '../contract';
import type { Exam, QuitDecision, Result, Scheduler, SaveAnswerInput, SavedAnswer, SessionSnapshot, SignInInput, StartExamResult, SubmissionReceipt, SystemCheckReport, VigilApi, WindowEvent } from '../contract';
import type { CloseOutcome } from './quit-guard';
import { createRealScheduler } from '../clock/real-scheduler';
import type { RegistrationRefusal } from '../upload/exam-server-client';
import { openExamSession, type ExamSession } from './open-exam-session';
import { heldOfflineAttempt, markOfflineAttempt } from './offline-attempt';
import { registerOrResume } from './server-registration';
import type { ExamSessionOptions } from './session-options';

export interface SignInGateOptions extends Omit<ExamSessionOptions, 'studentId' | 'server' | 'k0' | 'escrowKey' | 'escrowIdentity'> {
  /**
   * When the server cannot be reached at sign-in, start the attempt offline (the installed
   * exam, a local K_0 escrowed to the server through the outbox, key-escrow.ts) instead of
   * asking the student to try again. Off by default: docs/trust.md says what it gives up.
   */
  offlineStart?: boolean;
  /** Where to register; the gate is only used when there is one. */
  serverUrl: string;
  /** The exam to sign in to: its id is registered, its title shown; the server sends the content. */
  exam: Exam;
  appVersion: string;
  fetch?: typeof globalThis.fetch;
  /** Told once the attempt is open (the shell wires its rejected-call recording to it). */
  onOpened?: (session: ExamSession) => void;
}

/** What the student reads for each refusal: what happened and what to do. */
const MESSAGES: Record<RegistrationRefusal, (detail: string) => { code: 'bad_access_code' | 'second_attempt' | 'server_unreachable' | 'sign_in_refused'; text: string }> = {
  bad_access_code: () => ({ code: 'bad_access_code', text: 'That student id and access code do not match. Check both (the code is on the slip your proctor gave you) and try again.' }),
  second_attempt: () => ({
    code: 'second_attempt',
    text: 'The exam server already has an attempt of yours at this exam, and this exam allows only one. Ask your proctor: they can see your first attempt.',
  }),
  policy_mismatch: () => ({ code: 'sign_in_refused', text: 'This copy of Vigil runs exam rules the exam server does not accept. Ask your proctor for the right installation.' }),
  unknown_exam: () => ({ code: 'sign_in_refused', text: 'The exam server does not know this exam. Ask your proctor.' }),
  unreachable: () => ({
    code: 'server_unreachable',
    text:
      'The exam server cannot be reached, so your exam cannot be opened yet: its questions come from the server. Nothing is lost and your time has not started. Check the network connection and sign in again; if it keeps failing, ask your proctor.',
  }),
  refused: (detail) => ({ code: 'sign_in_refused', text: `The exam server refused the sign-in (${detail}). Ask your proctor.` }),
};

/**
 * The engine while an exam server is configured: before the attempt exists the page shows
 * the sign-in form (phase 'sign_in'); `signIn` registers the attempt with the server (or
 * resumes the one this computer holds) and opens it with the server's session id, K_0,
 * token, exam and deadline. From then on every verb goes to that ExamSession. Without a
 * server the shell opens the ExamSession directly, as before.
 */
export class SignInGate implements VigilApi {
  private session: ExamSession | null = null;
  private pending: Promise<Result<SessionSnapshot>> | null = null;
  private readonly listeners = new Set<(s: SessionSnapshot) => void>();
  private readonly unsubscribe: Array<() => void> = [];
  private closed = false;

  constructor(private readonly opts: SignInGateOptions) {}

  /** The open attempt, once signed in. */
  get attempt(): ExamSession | null {
    return this.session;
  }

  async getSnapshot(): Promise<Result<SessionSnapshot>> {
    return this.session ? this.session.getSnapshot() : ok(this.signInSnapshot());
  }

  async signIn(input: SignInInput): Promise<Result<SessionSnapshot>> {
    if (this.session) return this.session.signIn();
    const parsed = SignInInputSchema.safeParse(input);
    if (!parsed.success) return err('invalid_input', parsed.error.issues[0]?.message ?? 'The sign-in form could not be read.');
    // A double click must not register twice (the second would be refused as a second attempt).
    this.pending ??= this.open(parsed.data).finally(() => (this.pending = null));
    return this.pending;
  }

  private async open(input: SignInInput): Promise<Result<SessionSnapshot>> {
    const { opts } = this;
    const scheduler = opts.scheduler ?? createRealScheduler();
    const place = { dataDir: opts.dataDir, examId: opts.exam.id, studentId: input.studentId };
    // An attempt started offline whose escrow has not arrived yet goes on offline: registering now would start a second one.
    const held = heldOfflineAttempt(place, input.accessCode);
    if (held && !held.codeMatches) return err('bad_access_code', MESSAGES.bad_access_code('').text);
    if (held) return this.openOffline(input, scheduler);
    const registered = await registerOrResume({
      serverUrl: opts.serverUrl,
      dataDir: opts.dataDir,
      examId: opts.exam.id,
      studentId: input.studentId,
      accessCode: input.accessCode,
      policy: opts.policy,
      appVersion: opts.appVersion,
      scheduler,
      // With a system check the server starts the exam's time at Start, not at sign-in.
      awaitsCheck: opts.systemCheck !== undefined,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
    if (!registered.ok && registered.reason === 'unreachable' && opts.offlineStart) {
      opts.log?.(`sign-in of ${input.studentId}: ${registered.message}; starting offline`);
      return this.openOffline(input, scheduler);
    }
    if (!registered.ok) {
      const m = MESSAGES[registered.reason](registered.message);
      opts.log?.(`sign-in of ${input.studentId} refused: ${registered.reason}: ${registered.message}`);
      return err(m.code, m.text);
    }
    if (this.closed) return err('internal', 'Vigil is closing.');
    const server = registered.value;
    try {
      const session = await openExamSession({ ...opts, scheduler, studentId: input.studentId, exam: server.exam ?? opts.exam, server });
      this.session = session;
    } catch (e) {
      opts.log?.(`opening the attempt failed: ${e instanceof Error ? e.message : String(e)}`);
      return err('storage_failed', 'Your attempt could not be opened on this computer. Ask your proctor.');
    }
    opts.log?.(`signed in ${input.studentId}: session ${server.sessionId}${server.flags.length ? ` (flags: ${server.flags.join(', ')})` : ''}`);
    return this.opened();
  }

  /** The installed exam, a local K_0 escrowed with the sign-in, the marker that lets a restart go on with it. */
  private async openOffline(input: SignInInput, scheduler: Scheduler): Promise<Result<SessionSnapshot>> {
    const { opts } = this;
    if (this.closed) return err('internal', 'Vigil is closing.');
    const { offlineStart: _offline, ...sessionOpts } = opts;
    const escrowIdentity = { accessCode: input.accessCode, appVersion: opts.appVersion };
    try {
      this.session = await openExamSession({ ...sessionOpts, scheduler, studentId: input.studentId, exam: opts.exam, escrowIdentity });
      markOfflineAttempt({ dataDir: opts.dataDir, examId: opts.exam.id, studentId: input.studentId }, this.session.sessionId, input.accessCode);
    } catch (e) {
      opts.log?.(`opening the offline attempt failed: ${e instanceof Error ? e.message : String(e)}`);
      return err('storage_failed', 'Your attempt could not be opened on this computer. Ask your proctor.');
    }
    opts.log?.(`signed in ${input.studentId} offline: session ${this.session.sessionId}; its key goes to the exam server when it is reachable`);
    return this.opened();
  }

  private async opened(): Promise<Result<SessionSnapshot>> {
    const session = this.session!;
    this.opts.onOpened?.(session);
    for (const l of this.listeners) this.unsubscribe.push(session.onSnapshot(l));
    return session.getSnapshot();
  }

  saveAnswer(input: SaveAnswerInput): Promise<Result<SavedAnswer>> {
    return this.session ? this.session.saveAnswer(input) : notSignedIn();
  }

  async reportWindowEvent(event: WindowEvent): Promise<Result<null>> {
    // Focus and clipboard before the exam are nobody's business.
    return this.session ? this.session.reportWindowEvent(event) : ok(null);
  }

  submit(input: { confirm: true }): Promise<Result<SubmissionReceipt>> {
    return this.session ? this.session.submit(input) : notSignedIn();
  }

  async lockFlushed(): Promise<Result<null>> {
    return this.session ? this.session.lockFlushed() : ok(null);
  }

  // The lock's verbs (system check, start, warning, quit) belong to the signed-in attempt.
  async runSystemCheck(): Promise<Result<SystemCheckReport>> {
    return this.session ? this.session.runSystemCheck() : notSignedIn();
  }

  async startExam(): Promise<Result<StartExamResult>> {
    return this.session ? this.session.startExam() : notSignedIn();
  }

  async acknowledgeWarning(input: { id: string }): Promise<Result<null>> {
    return this.session ? this.session.acknowledgeWarning(input) : notSignedIn();
  }

  async requestQuit(input: { password: string }): Promise<Result<QuitDecision>> {
    // Before sign-in there is no attempt to protect: Vigil may close.
    return this.session ? this.session.requestQuit(input) : ok({ allowed: true });
  }

  /** Someone tries to close Vigil; null before sign-in, when there is no attempt to protect. */
  requestClose(via: string, password?: string): CloseOutcome | null {
    return this.session ? this.session.requestClose(via, password) : null;
  }

  onSnapshot(listener: (snapshot: SessionSnapshot) => void): () => void {
    this.listeners.add(listener);
    const off = this.session?.onSnapshot(listener);
    if (off) this.unsubscribe.push(off);
    return () => {
      this.listeners.delete(listener);
      off?.();
    };
  }

  recordRejectedCall(call: string, reason: string): void {
    if (this.session) this.session.recordRejectedCall(call, reason);
    else this.opts.log?.(`refused call before sign-in: ${call}: ${reason}`);
  }

  flushUploads(): Promise<{ delivered: number; failed: number }> {
    return this.session ? this.session.flushUploads() : Promise.resolve({ delivered: 0, failed: 0 });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pending?.catch(() => {});
    for (const off of this.unsubscribe.splice(0)) off();
    await this.session?.close();
  }

  /** Before sign-in: the exam's title only (the questions come from the server). */
  private signInSnapshot(): SessionSnapshot {
    const { exam } = this.opts;
    return {
      sessionId: '',
      studentId: '',
      exam: { ...exam, questions: [] },
      answers: {},
      phase: 'sign_in',
      startedAt: 0,
      deadline: 0,
      risk: { score: 0, level: 'clean', reasons: [], warning: null, locked: false },
      submission: null,
      systemCheck: null,
      returnWarning: null,
      notices: [],
      checkFirst: this.opts.systemCheck !== undefined,
    };
  }
}

const notSignedIn = (): Promise<Result<never>> => Promise.resolve(err('not_signed_in', 'Sign in first: enter your student id and exam access code.'));
