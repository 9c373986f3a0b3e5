import { z } from 'zod';
import { AcknowledgeWarningInputSchema, RequestQuitInputSchema, SignInInputSchema, SubmitInputSchema, WindowEventSchema } from './api';
import { SaveAnswerInputSchema } from './exam';
import type { Verb } from './verbs';

/**
 * The verb table's input column (the rest is VERBS in verbs.ts, which must stay zod-free).
 * `satisfies` holds it to exactly the table's verbs: a missing or extra verb fails to
 * compile. Main parses every payload with these before the engine sees it.
 */
export const VERB_INPUTS = {
  // Takes no argument: anything but undefined is refused.
  getSnapshot: z.void(),
  saveAnswer: SaveAnswerInputSchema,
  reportWindowEvent: WindowEventSchema,
  submit: SubmitInputSchema,
  lockFlushed: z.void(),
  signIn: SignInInputSchema,
  runSystemCheck: z.void(),
  startExam: z.void(),
  acknowledgeWarning: AcknowledgeWarningInputSchema,
  requestQuit: RequestQuitInputSchema,
} as const satisfies Record<Verb, z.ZodType>;

export type VerbInput<V extends Verb> = z.output<(typeof VERB_INPUTS)[V]>;
