import { z } from 'zod';
import type { Exam, SavedAnswer } from './exam';
import type { ReturnWarning, SystemCheckReport } from './integrity';
import type { Result } from './result';
import type { RiskState } from './risk';
import type { VerbInput } from './verb-inputs';
import type { Verb, VerbResult } from './verbs';

/** `checking`: the pre-exam system check; the exam's time has not started. */
export type SessionPhase = 'checking' | 'active' | 'locked' | 'submitted';
/**
 * What the page shows: 'sign_in' comes before the attempt exists (an exam server is
 * configured and the student has not proved who they are yet); the rest are the attempt's.
 */
export type SnapshotPhase = 'sign_in' | SessionPhase;

/** Everything the exam view needs to draw itself, sent on load and on every change. */
export interface SessionSnapshot {
  sessionId: string;
  studentId: string;
  exam: Exam;
  answers: Record<string, SavedAnswer>;
  phase: SnapshotPhase;
  /** When the exam's time started; null while the system check runs. */
  startedAt: number | null;
  /** Epoch ms when time runs out; null while the system check runs. */
  deadline: number | null;
  /**
   * While the system check runs on an attempt registered with an exam server: when the
   * exam's time starts at the latest, pressed Start or not (epoch ms, this computer's clock).
   * Null otherwise (without a server the time waits for Start however long the check takes).
   */
  startBy?: number | null;
  /**
   * Before sign-in: the pre-exam system check follows the sign-in, and the exam's time starts
   * at Start, not at sign-in. Absent (false) when the exam opens straight after sign-in.
   */
  checkFirst?: boolean;
  /** The last pre-exam system check (null before the first, and for an exam started without one). */
  systemCheck: SystemCheckReport | null;
  /** A violation that was warned instead of charged, until the student acknowledges it. */
  returnWarning: ReturnWarning | null;
  risk: RiskState;
  submission: SubmissionReceipt | null;
  /** Problems the student should know about (e.g. "answers saved locally, server unreachable"). */
  notices: string[];
  /**
   * A proctor has paused the exam (a signed `lock` order): the page covers the exam until the
   * matching `unlock`. Answers stay saved and nothing is submitted. Null otherwise.
   */
  proctorHold?: { reason: string } | null;
}

export interface SubmissionReceipt {
  submittedAt: number;
  reason: 'student' | 'time_up' | 'risk_limit';
  answerCount: number;
  /** Whether the exam server has acknowledged it yet (it is queued locally until then). */
  delivered: boolean;
}

/** Focus and clipboard observations the exam window reports about itself. */
export const WindowEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('focus'), focused: z.boolean() }),
  z.object({
    kind: z.literal('clipboard'),
    action: z.enum(['copy', 'paste']),
    /** A paste whose text was not copied inside the exam. */
    external: z.boolean(),
  }),
]);
export type WindowEvent = z.infer<typeof WindowEventSchema>;

export const SubmitInputSchema = z.object({ confirm: z.literal(true) });

/** The sign-in form: the student's id and the exam access code the institution handed out. */
export const SignInInputSchema = z.object({
  studentId: z.string().trim().min(1, 'Enter your student id.').max(128).regex(/^[^\u0000-\u001f\u007f/]+$/, 'A student id cannot contain "/" or control characters.'),
  accessCode: z.string().trim().min(1, 'Enter your exam access code.').max(128),
});
export type SignInInput = z.infer<typeof SignInInputSchema>;

export const AcknowledgeWarningInputSchema = z.object({ id: z.string().min(1).max(100) });

/** The proctor's quit password, typed into the exam window's proctor dialog. */
export const RequestQuitInputSchema = z.object({ password: z.string().min(1).max(200) });

export interface QuitDecision {
  /** Vigil closes now (the password matched, or the exam is submitted). */
  allowed: boolean;
  /**
   * Refused: how long until a password is checked again (the wait grows with each wrong one),
   * counted from this answer; 0 or absent when at once.
   */
  retryInMs?: number;
  /** Refused: wrong passwords in a row so far in this attempt. */
  wrongPasswords?: number;
  /** This password came during the wait and was not checked. */
  tooSoon?: boolean;
}

/** What startExam did: started, or not because the check (run again at that moment) still blocks. */
export interface StartExamResult {
  started: boolean;
  check: SystemCheckReport;
}

/** One method per verb of the verb table (verbs.ts), typed by its input schema and result. */
export type VigilVerbs = { [V in Verb]: (input: VerbInput<V>) => Promise<Result<VerbResult<V>>> };

/**
 * The exam engine's API. The preload exposes exactly this object as `window.vigil`;
 * the Chromium e2e tests and `npm run dev:browser` expose the same via Playwright.
 * Calls resolve to values, never reject (errors are `{ok:false}`).
 */
export interface VigilApi extends VigilVerbs {
  /** Subscribe; the returned function unsubscribes. */
  onSnapshot(listener: (snapshot: SessionSnapshot) => void): () => void;
}
