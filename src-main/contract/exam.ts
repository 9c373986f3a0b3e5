import { z } from 'zod';

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'ids are 1-64 letters, digits, _ or -');

export const QuestionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('multiple_choice'),
    id,
    prompt: z.string().min(1),
    options: z.array(z.object({ id, label: z.string().min(1) })).min(2),
  }),
  z.object({
    kind: z.literal('short_answer'),
    id,
    prompt: z.string().min(1),
    maxLength: z.number().int().positive().default(500),
  }),
  z.object({
    kind: z.literal('essay'),
    id,
    prompt: z.string().min(1),
    maxLength: z.number().int().positive().default(20000),
  }),
]);
export type Question = z.infer<typeof QuestionSchema>;

export const ExamSchema = z
  .object({
    schemaVersion: z.literal(1),
    id,
    title: z.string().min(1),
    durationMinutes: z.number().positive().max(24 * 60),
    questions: z.array(QuestionSchema).min(1),
  })
  .refine((e) => new Set(e.questions.map((q) => q.id)).size === e.questions.length, {
    message: 'question ids must be unique',
  });
export type Exam = z.infer<typeof ExamSchema>;

/** What the renderer sends to save one answer. */
export const SaveAnswerInputSchema = z.object({
  questionId: id,
  value: z.string().max(20000),
});
export type SaveAnswerInput = z.infer<typeof SaveAnswerInputSchema>;

export interface SavedAnswer {
  questionId: string;
  value: string;
  savedAt: number;
  /** How many times this answer was saved; a later save supersedes an earlier one. */
  revision: number;
}
