import { z } from 'zod';
import type { SessionPhase, SubmissionReceipt } from './api';
import { ExamSchema } from './exam';
import { PatternFindingSchema } from './flag-file';
import { SystemCheckFindingSchema } from './integrity';
import { IntegrityObservationSchema } from './integrity-observation';
import { PolicySchema } from './policy';
import { ProctorOrderAuditSchema } from './proctor-order';
import type { RiskReason } from './risk';
import { IntegrityKindSchema, RiskLevelSchema } from './risk';

/**
 * One schema per audit row kind: the store validates a payload with it before the row is
 * chained, and parses it again when the row is read back (restore, export, and later the
 * proctor review, which is why they live in contract/). Objects are strict: a key the
 * schema does not name is an error, never silently dropped.
 */

const SessionPhaseSchema = z.enum(['checking', 'active', 'locked', 'submitted']);
const SubmissionReasonSchema = z.enum(['student', 'time_up', 'risk_limit']);

const RiskReasonSchema = z
  .object({
    at: z.number(),
    source: z.enum(['integrity', 'behaviour']),
    code: z.string(),
    points: z.number(),
    message: z.string(),
  })
  .strict();

const PatternsSchema = z.array(PatternFindingSchema.strict());
const HEX_64 = z.string().regex(/^[0-9a-f]{64}$/);

export const AUDIT_ROW_SCHEMAS = {
  session_started: z
    .object({
      sessionId: z.string().min(1),
      examId: z.string().min(1),
      studentId: z.string().min(1),
      at: z.number(),
      durationMinutes: z.number().positive(),
      /** The rules the attempt started under; a restart keeps scoring by them. */
      policy: PolicySchema,
      /** The exam waits for the pre-exam system check; its time starts at exam_started. */
      awaitsCheck: z.boolean().optional(),
      /**
       * The exam as the attempt started it (questions and duration), under the chain like
       * the policy. Absent only in attempts written before the keyed chain.
       */
      exam: ExamSchema.optional(),
    })
    .strict(),
  package_scored: z
    .object({
      sequence: z.number().int().min(0),
      startedAt: z.number(),
      endedAt: z.number(),
      keystrokeCount: z.number().int().min(0),
      /** Focus losses and time away in the window; review draws the spans away from them (absent in older rows). */
      focusLosses: z.number().int().min(0).optional(),
      unfocusedMs: z.number().min(0).optional(),
      shouldFlag: z.boolean(),
      level: RiskLevelSchema,
      probability: z.number(),
      confidence: z.number(),
      patterns: PatternsSchema,
      featureScores: z.record(z.string(), z.number().nullable()),
      inputIssues: z.array(z.string()),
    })
    .strict(),
  flag_raised: z
    .object({
      sequence: z.number().int().min(0),
      level: RiskLevelSchema,
      probability: z.number(),
      patterns: PatternsSchema,
    })
    .strict(),
  risk_changed: z
    .object({
      from: z.number(),
      to: z.number(),
      level: RiskLevelSchema,
      reasons: z.array(RiskReasonSchema),
      warning: z.string().nullable(),
    })
    .strict(),
  /** Only the answer's length and hash: the audit log never holds what the student typed. */
  answer_saved: z
    .object({
      questionId: z.string().min(1),
      revision: z.number().int().positive(),
      length: z.number().int().min(0),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    })
    .strict(),
  /**
   * An integrity observation and what it cost. `points` is what the ledger charged (absent in
   * rows that predate it: the policy's fixed points); `grace`: warned instead of charged;
   * `key` names the observation, and `repeat` marks one already charged under that key.
   */
  integrity_event: z
    .object({
      kind: IntegrityKindSchema,
      at: z.number(),
      message: z.string(),
      points: z.number().min(0).optional(),
      grace: z.boolean().optional(),
      key: z.string().optional(),
      repeat: z.boolean().optional(),
      evidence: z.record(z.string(), z.json()).optional(),
    })
    .strict(),
  /** What the OS-level capture saw (evidence for the proctor; points are the ledger's business). */
  integrity_observation: IntegrityObservationSchema,
  session_locked: z.object({ at: z.number(), score: z.number(), reasons: z.array(RiskReasonSchema) }).strict(),
  submission: z
    .object({
      submittedAt: z.number(),
      reason: SubmissionReasonSchema,
      answerCount: z.number().int().min(0),
      riskScore: z.number(),
    })
    .strict(),
  error: z.union([
    /** A call refused before it reached the engine (sender or payload). */
    z.object({ what: z.literal('rejected call'), call: z.string(), reason: z.string() }).strict(),
    /** The server refused an upload for good. */
    z.object({ source: z.literal('upload'), outboxId: z.string(), path: z.string(), error: z.string() }).strict(),
    /** Anything else that failed inside the engine. */
    z.object({ what: z.string(), message: z.string() }).strict(),
  ]),
  session_resumed: z.object({ sessionId: z.string().min(1), at: z.number(), phase: SessionPhaseSchema }).strict(),
  upload_requeued: z
    .object({ outboxId: z.string(), path: z.string(), refusedWith: z.string().nullable() })
    .strict(),
  /** Something the proctor should know that costs no points: capture that cannot run, an accommodation, a capture gap, power events. */
  integrity_finding: z
    .object({ at: z.number(), kind: z.string().min(1), message: z.string(), evidence: z.record(z.string(), z.json()).optional() })
    .strict(),
  /** The pre-exam system check, each time it ran. */
  system_check: z.object({ at: z.number(), ok: z.boolean(), findings: z.array(SystemCheckFindingSchema.strict()) }).strict(),
  /** The exam's time starts here; `warnings` are the check's findings the policy let it start with. */
  exam_started: z
    .object({
      at: z.number(),
      warnings: z.array(SystemCheckFindingSchema.strict()),
      /**
       * A registered attempt: the start on the exam server's clock (the server's answer, or,
       * when it could not be reached, the claim sent once it can) and the server's deadline
       * when it answered. Absent without a server and in attempts written before issue 8's Start.
       */
      serverAt: z.number().optional(),
      deadline: z.number().optional(),
    })
    .strict(),
  /** The student dismissed the "return to the exam" warning. */
  warning_acknowledged: z.object({ id: z.string().min(1), at: z.number() }).strict(),
  /** Every attempt to close Vigil, and what came of it. */
  close_attempt: z
    .object({
      at: z.number(),
      /** What asked: the window's close button, the app quitting, the OS ending the session. */
      via: z.string().min(1),
      /** too_soon: a password typed during the wait after wrong ones, refused without being checked. */
      outcome: z.enum(['refused', 'wrong_password', 'too_soon', 'allowed_submitted', 'allowed_password']),
    })
    .strict(),
  /** Vigil closed cleanly; a start without one after the last heartbeat means capture was off. */
  session_closed: z.object({ at: z.number() }).strict(),
  /**
   * Written in the same transaction as an upload is queued: the sha256 of the body exactly
   * as stored, so a body edited in the outbox is refused instead of sent.
   */
  upload_queued: z.object({ outboxId: z.string().min(1), path: z.string(), sha256: HEX_64 }).strict(),
  /** Each save of the detectors' state: its sha256, checked when the state is loaded. */
  engine_state_saved: z.object({ key: z.string().min(1), sha256: HEX_64 }).strict(),
  /** A checkpoint `{seq, hash, tag}` of an earlier row, queued for the exam server. */
  checkpoint_queued: z.object({ seq: z.number().int().positive(), hash: HEX_64, tag: HEX_64 }).strict(),
  /**
   * Evidence that the attempt's file was changed outside Vigil. `what` says which part:
   * the chain itself, an answer, an outbox body, the detectors' state, the whole database
   * (unreadable, foreign or deleted), or the marker file beside it.
   */
  log_tampered: z
    .object({
      at: z.number(),
      what: z.enum(['chain', 'answer', 'outbox', 'engine_state', 'database', 'marker']),
      /** The first row found broken, when the finding is about a row. */
      firstBrokenSeq: z.number().int().min(0).nullable(),
      message: z.string(),
    })
    .strict(),
  /**
   * Starts a new segment after a break: rows from here chain on again, and this row names
   * the break it follows. The rows between the break and here are kept but not trusted.
   */
  segment_started: z
    .object({
      at: z.number(),
      /** The first broken row (0 when the whole previous file could not be read). */
      brokenSeq: z.number().int().min(0),
      reason: z.string(),
      /** The last row the previous segment ended with, as found. */
      previousHead: z.object({ seq: z.number().int().min(0), hash: z.string() }).strict().nullable(),
      /** True when the key was missing or out of step and the segment is sealed with a fresh local key. */
      rekeyed: z.boolean(),
      /** The damaged file this segment replaces, when it could not be opened at all. */
      replacedFile: z.string().nullable(),
    })
    .strict(),
  /**
   * The wall clock moved more (or less) than the monotonic clock: set by hand, stepped by
   * NTP, or the computer slept. A finding for the proctor; the session kept its own time.
   */
  clock_jump: z
    .object({
      /** Wall time the clock would have shown (epoch ms). */
      from: z.number(),
      /** Wall time it showed instead. */
      to: z.number(),
      /** to - from: positive forward, negative back. */
      sizeMs: z.number(),
      /** Exam time left after the jump: a jump back never adds to it. */
      remainingMs: z.number().min(0),
    })
    .strict(),
  /** A proctor order received live: applied (with the server's signature) or refused, and why. */
  proctor_order: ProctorOrderAuditSchema,
  /** The exam server answered a start made while it could not be reached: its start and deadline rule from here. */
  exam_start_confirmed: z.object({ at: z.number(), examStartedAt: z.number(), deadline: z.number() }).strict(),
} as const;

export type AuditKind = keyof typeof AUDIT_ROW_SCHEMAS;
export const AUDIT_KINDS = Object.keys(AUDIT_ROW_SCHEMAS) as AuditKind[];

/** What a row of kind K holds. */
export type AuditPayload<K extends AuditKind> = z.infer<(typeof AUDIT_ROW_SCHEMAS)[K]>;

export function isAuditKind(kind: unknown): kind is AuditKind {
  return typeof kind === 'string' && Object.hasOwn(AUDIT_ROW_SCHEMAS, kind);
}

export type AuditPayloadCheck<K extends AuditKind> =
  | { ok: true; payload: AuditPayload<K> }
  | { ok: false; problem: string };

/** Checks a payload against its kind's schema; the problem names the fields at fault. */
export function checkAuditPayload<K extends AuditKind>(kind: K, payload: unknown): AuditPayloadCheck<K> {
  const schema: z.ZodType = AUDIT_ROW_SCHEMAS[kind];
  const parsed = schema.safeParse(payload);
  // The schema is the one indexed by K, which TypeScript cannot follow through the lookup.
  if (parsed.success) return { ok: true, payload: parsed.data as AuditPayload<K> };
  return { ok: false, problem: z.prettifyError(parsed.error).replaceAll('\n', '; ') };
}

// The schemas restate types other modules own; these fail to compile if the two drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const phaseMatches: Same<z.infer<typeof SessionPhaseSchema>, SessionPhase> = true;
const reasonMatches: Same<z.infer<typeof SubmissionReasonSchema>, SubmissionReceipt['reason']> = true;
const riskReasonMatches: Same<z.infer<typeof RiskReasonSchema>, RiskReason> = true;
void [phaseMatches, reasonMatches, riskReasonMatches];
