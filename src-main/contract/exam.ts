import { z } from 'zod';
import { wellFormedString } from './well-formed-text';

/** The longest answer any question can take; a question's maxLength cannot exceed it. */
export const MAX_ANSWER_LENGTH = 20_000;

const count = (n: number): string => n.toLocaleString('en-US');

const text = (what: string) => wellFormedString(what).min(1, `${what} must not be empty`);

const maxLength = (fallback: number) =>
  z
    .number()
    .int('maxLength must be a whole number of characters')
    .positive('maxLength must be at least 1')
    .max(MAX_ANSWER_LENGTH, `maxLength cannot exceed ${count(MAX_ANSWER_LENGTH)}, the longest answer Vigil stores`)
    .default(fallback);

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'ids are 1-64 letters, digits, _ or -');

export const QuestionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('multiple_choice'),
    id,
    prompt: text('a prompt'),
    options: z
      .array(z.object({ id, label: text('an option label') }))
      .min(2, 'a multiple-choice question needs at least 2 options')
      .refine((o) => new Set(o.map((x) => x.id)).size === o.length, 'option ids must be unique within a question'),
  }),
  z.object({
    kind: z.literal('short_answer'),
    id,
    prompt: text('a prompt'),
    maxLength: maxLength(500),
  }),
  z.object({
    kind: z.literal('essay'),
    id,
    prompt: text('a prompt'),
    maxLength: maxLength(MAX_ANSWER_LENGTH),
  }),
]);
export type Question = z.infer<typeof QuestionSchema>;

export const ExamSchema = z
  .object({
    schemaVersion: z.literal(1),
    id,
    title: text('the title'),
    durationMinutes: z
      .number()
      .positive('durationMinutes must be more than 0')
      .max(24 * 60, 'durationMinutes cannot exceed 1440 (24 hours)'),
    questions: z.array(QuestionSchema).min(1, 'an exam needs at least one question'),
  })
  .check((ctx) => {
    // Two questions with one id would share one stored answer.
    const seen = new Map<string, number>();
    for (const q of ctx.value.questions) seen.set(q.id, (seen.get(q.id) ?? 0) + 1);
    const repeated = [...seen].filter(([, n]) => n > 1).map(([qid, n]) => `${qid} appears ${n === 2 ? 'twice' : `${n} times`}`);
    if (repeated.length > 0) {
      ctx.issues.push({ code: 'custom', message: `question ids must be unique (${repeated.join(', ')})`, input: ctx.value, path: ['questions'] });
    }
  });
export type Exam = z.infer<typeof ExamSchema>;

/** What the renderer sends to save one answer. */
export const SaveAnswerInputSchema = z.object({
  questionId: id,
  value: wellFormedString('The answer').max(MAX_ANSWER_LENGTH, {
    error: (issue) =>
      `The answer is ${count((issue.input as string).length)} characters long; the limit is ${count(MAX_ANSWER_LENGTH)}.`,
  }),
});
export type SaveAnswerInput = z.infer<typeof SaveAnswerInputSchema>;

export interface SavedAnswer {
  questionId: string;
  value: string;
  savedAt: number;
  /** How many times this answer was saved; a later save supersedes an earlier one. */
  revision: number;
}
