import { z } from 'zod';
import { RiskLevelSchema } from './risk';
import { DISPOSITIONS } from './review-labels';

// The review page imports these from review-labels.ts itself, which keeps zod out of its bundle.
export { answerLabel, DETECTOR_LABELS, detectorLabel, DISPOSITION_LABELS, DISPOSITIONS, TIMELINE_DRAWN_MARK } from './review-labels';

/**
 * Proctor review of local attempt databases: what the review window is shown and the verbs
 * it may call. Review only reads attempt databases; its own notes live in a separate file.
 */

export const DispositionSchema = z.enum(DISPOSITIONS);
export type Disposition = z.infer<typeof DispositionSchema>;

export const ReviewNoteSchema = z
  .object({
    disposition: DispositionSchema,
    notes: z.string().max(20_000),
    /** Epoch ms of the last save; null when never saved. */
    updatedAt: z.number().nullable(),
  })
  .strict();
export type ReviewNote = z.infer<typeof ReviewNoteSchema>;
export const EMPTY_REVIEW_NOTE: ReviewNote = { disposition: 'undecided', notes: '', updatedAt: null };

export const VerificationSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('ok'), rows: z.number().int() }),
  z.object({ state: z.literal('broken'), rows: z.number().int(), brokenAtRow: z.number().int(), reason: z.string() }),
  z.object({ state: z.literal('cannot_verify'), reason: z.string() }),
  /** Opening an attempt draws it first and verifies it next (verifyAttempt): the chain walk is the slow part. */
  z.object({ state: z.literal('pending') }),
]);
export type Verification = z.infer<typeof VerificationSchema>;

export const SUBMIT_REASONS = ['student', 'time_up', 'risk_limit'] as const;
export const DeliverySchema = z.enum(['delivered', 'pending', 'rejected', 'not_submitted']);
export type Delivery = z.infer<typeof DeliverySchema>;

const Count = z.number().int().min(0);

export const ReadableAttemptSchema = z.object({
  readable: z.literal(true),
  /** The database's path relative to the reviewed folder: the attempt's id in every verb. */
  id: z.string().min(1),
  file: z.string(),
  schemaVersion: z.number().int(),
  sessionId: z.string(),
  studentId: z.string(),
  examId: z.string(),
  startedAt: z.number(),
  durationMinutes: z.number(),
  /** Time of the newest audit row. */
  lastRowAt: z.number(),
  state: z.enum(['in_progress', 'locked', 'submitted']),
  submission: z.object({ at: z.number(), reason: z.enum(SUBMIT_REASONS) }).nullable(),
  finalScore: z.number(),
  peakScore: z.number(),
  flagsByLevel: z.record(RiskLevelSchema, Count),
  flagCount: Count,
  integrityByKind: z.record(z.string(), Count),
  integrityCount: Count,
  answerSaves: Count,
  errors: Count,
  /** Rows whose payload does not fit its kind's schema (edited, garbled or from an unknown build). */
  invalidRows: Count,
  verification: VerificationSchema,
  delivery: DeliverySchema,
  rows: Count,
  review: ReviewNoteSchema,
});
export type ReadableAttempt = z.infer<typeof ReadableAttemptSchema>;

export const UnreadableAttemptSchema = z.object({
  readable: z.literal(false),
  id: z.string().min(1),
  file: z.string(),
  /** "cannot read: …" with the cause a person can act on. */
  error: z.string(),
  review: ReviewNoteSchema,
});

export const AttemptSummarySchema = z.discriminatedUnion('readable', [ReadableAttemptSchema, UnreadableAttemptSchema]);
export type AttemptSummary = z.infer<typeof AttemptSummarySchema>;

export const AttemptListSchema = z.object({
  /** What was opened (a folder or one database). */
  source: z.string(),
  attempts: z.array(AttemptSummarySchema),
});
export type AttemptList = z.infer<typeof AttemptListSchema>;

export const TIMELINE_EVENT_KINDS = [
  'flag',
  'integrity',
  'away',
  'answer',
  'lock',
  'submission',
  'resumed',
  'error',
] as const;
export const TimelineEventKindSchema = z.enum(TIMELINE_EVENT_KINDS);
export type TimelineEventKind = z.infer<typeof TimelineEventKindSchema>;

export const TimelineEventSchema = z.object({
  /** Unique in the attempt; evidence rows share it with their marker. */
  id: z.string(),
  seq: z.number().int(),
  at: z.number(),
  /** End of a span (time away from the exam window); absent for instants. */
  end: z.number().optional(),
  kind: TimelineEventKindSchema,
  /** Detector (pattern) or integrity kind, when the event has one. */
  detector: z.string().optional(),
  level: RiskLevelSchema.optional(),
  label: z.string(),
});
export type TimelineEvent = z.infer<typeof TimelineEventSchema>;

export const EvidenceRowSchema = z.object({
  id: z.string(),
  /** The marker this row belongs to. */
  eventId: z.string(),
  seq: z.number().int(),
  at: z.number(),
  type: z.enum(['flag', 'integrity']),
  /** The detector (pattern name), 'classifier' for a flag no single pattern explains, or the integrity kind. */
  detector: z.string(),
  level: RiskLevelSchema.optional(),
  title: z.string(),
  explanation: z.string(),
  numbers: z.array(z.object({ label: z.string(), value: z.string() })),
});
export type EvidenceRow = z.infer<typeof EvidenceRowSchema>;

/** Column arrays (uPlot's shape): one entry per scored activity package. */
export const PackageSeriesSchema = z.object({
  endedAt: z.array(z.number()),
  probability: z.array(z.number()),
  level: z.array(RiskLevelSchema),
  keysPerMinute: z.array(z.number()),
  /** featureScores.keystroke_anomaly: typist drift and timing anomaly; null before enrolment. */
  typistDrift: z.array(z.number().nullable()),
});

/** Answer saves as columns: a long attempt autosaves tens of thousands of times. */
export const AnswerSeriesSchema = z.object({
  at: z.array(z.number()),
  seq: z.array(z.number().int()),
  questionId: z.array(z.string()),
  revision: z.array(z.number()),
  length: z.array(z.number()),
});
export type AnswerSeries = z.infer<typeof AnswerSeriesSchema>;

export const AttemptDetailSchema = z.object({
  summary: ReadableAttemptSchema,
  /** The exam's window: start to deadline, or to the last row if that is later. */
  from: z.number(),
  to: z.number(),
  deadline: z.number(),
  risk: z.object({ at: z.array(z.number()), score: z.array(z.number()) }),
  packages: PackageSeriesSchema,
  answers: AnswerSeriesSchema,
  /** Every other event in time order (answer saves are in `answers`). */
  events: z.array(TimelineEventSchema),
  evidence: z.array(EvidenceRowSchema),
});
export type AttemptDetail = z.infer<typeof AttemptDetailSchema>;

/**
 * What openAttempt sends the page: the detail with only the time and audit row of each answer
 * save. A three-hour attempt autosaves ~43,000 times, and the question, revision and length
 * columns were a third of what crossed to the page before the chart could draw; answerSaves
 * sends them when the proctor opens the timeline table. AttemptDetail fits it as it is.
 */
export const AttemptForPageSchema = AttemptDetailSchema.extend({ answers: AnswerSeriesSchema.pick({ at: true, seq: true }) });
export type AttemptForPage = z.infer<typeof AttemptForPageSchema>;

export const EXPORT_FORMATS = ['timeline.csv', 'timeline.jsonl', 'flags.csv', 'flags.jsonl', 'report.pdf'] as const;
export const ExportFormatSchema = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

const AttemptId = z.object({ id: z.string().min(1).max(1000) }).strict();

/**
 * The review window's verbs: input schema (checked in main before anything runs) and
 * output schema. Kept apart from the exam's IPC table so the two can be merged.
 */
export const REVIEW_VERBS = {
  listAttempts: { input: z.object({}).strict(), output: AttemptListSchema },
  openAttempt: { input: AttemptId, output: AttemptForPageSchema },
  /** Every answer save of the attempt, all columns (the timeline table). */
  answerSaves: { input: AttemptId, output: AnswerSeriesSchema },
  verifyAttempt: { input: AttemptId, output: VerificationSchema },
  saveReview: {
    input: z.object({ id: z.string().min(1).max(1000), disposition: DispositionSchema, notes: z.string().max(20_000) }).strict(),
    output: ReviewNoteSchema,
  },
  exportAttempt: {
    input: z.object({ id: z.string().min(1).max(1000), format: ExportFormatSchema }).strict(),
    output: z.object({ file: z.string() }),
  },
} as const;
export type ReviewVerb = keyof typeof REVIEW_VERBS;
export type ReviewInput<V extends ReviewVerb> = z.infer<(typeof REVIEW_VERBS)[V]['input']>;
export type ReviewOutput<V extends ReviewVerb> = z.infer<(typeof REVIEW_VERBS)[V]['output']>;
export const REVIEW_CHANNEL = 'vigil-review:invoke';
