import { z } from 'zod';
import type { Exam, SavedAnswer } from './exam';
import type { Result } from './result';
import type { RiskState } from './risk';
import type { VerbInput } from './verb-inputs';
import type { Verb, VerbResult } from './verbs';

export type SessionPhase = 'active' | 'locked' | 'submitted';

/** Everything the exam view needs to draw itself, sent on load and on every change. */
export interface SessionSnapshot {
  sessionId: string;
  studentId: string;
  exam: Exam;
  answers: Record<string, SavedAnswer>;
  phase: SessionPhase;
  startedAt: number;
  /** Epoch ms when time runs out. */
  deadline: number;
  risk: RiskState;
  submission: SubmissionReceipt | null;
  /** Problems the student should know about (e.g. "answers saved locally, server unreachable"). */
  notices: string[];
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
