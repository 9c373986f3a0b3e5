import { z } from 'zod';

/**
 * The proctor's sign-in in front of the review (review-access.ts in src-main/review holds
 * the gate). Three verbs on the review channel besides the review verbs: the state of the
 * gate, the sign-in and the sign-out. Every other review verb is refused until the sign-in succeeded.
 */
export const ReviewAccessStateSchema = z.object({
  /** Whether this review asks for the proctor password (docs/review.md says when). */
  required: z.boolean(),
  signedIn: z.boolean(),
  /** Wrong passwords recorded since the last proctor sign-in (before this one, once signed in). */
  failedSinceLastSignIn: z.number().int().min(0),
  /** Epoch ms of the newest wrong password counted above; null when there is none. */
  lastFailureAt: z.number().nullable(),
  /** Epoch ms of the proctor sign-in before this one; null when there was none. */
  previousSignInAt: z.number().nullable(),
  /** Epoch ms before which another try is refused (the growing delay); null when a try is allowed now. */
  retryAt: z.number().nullable(),
  /** Where sign-ins and wrong passwords are recorded; null when the review asks for no password. */
  logFile: z.string().nullable(),
});
export type ReviewAccessState = z.infer<typeof ReviewAccessStateSchema>;

export const PROCTOR_PASSWORD_MAX_LENGTH = 1024;

export const REVIEW_ACCESS_VERBS = {
  reviewAccess: { input: z.object({}).strict(), output: ReviewAccessStateSchema },
  proctorSignIn: {
    input: z.object({ password: z.string().min(1).max(PROCTOR_PASSWORD_MAX_LENGTH) }).strict(),
    output: ReviewAccessStateSchema,
  },
  /** Locks the review again (the proctor steps away from the exam computer). */
  proctorSignOut: { input: z.object({}).strict(), output: ReviewAccessStateSchema },
} as const;
export type ReviewAccessVerb = keyof typeof REVIEW_ACCESS_VERBS;
export type ReviewAccessInput<V extends ReviewAccessVerb> = z.infer<(typeof REVIEW_ACCESS_VERBS)[V]['input']>;
export type ReviewAccessOutput<V extends ReviewAccessVerb> = z.infer<(typeof REVIEW_ACCESS_VERBS)[V]['output']>;
