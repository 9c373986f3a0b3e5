import { z } from 'zod';
import { ActivityPackageSchema } from './activity';
import { RiskLevelSchema } from './risk';

/**
 * The flag file: what the orchestrator sends to the exam server for a flagged package.
 * Versioned; timings and counts only, never characters (no key identities at all).
 */
export const FLAG_FILE_VERSION = 1 as const;
export const FLAG_FILE_SCHEMA_ID = 'https://vigil.invalid/schemas/flag-file/v1.json';

export const PATTERN_NAMES = [
  'biometric_drift',
  'focus_collapse',
  'stress_spike',
  'network_anomaly',
  'resource_exhaustion',
  'temporal_inconsistency',
] as const;
export const PatternNameSchema = z.enum(PATTERN_NAMES);

export const FEATURE_NAMES = [
  'keystroke_anomaly',
  'network_activity',
  'focus_anomaly',
  'app_switching',
  'cpu_activity',
  'voice_stress',
  'keystroke_errors',
  'mouse_inactivity',
] as const;
export const FeatureNameSchema = z.enum(FEATURE_NAMES);

const unit = z.number().min(0).max(1);

export const PatternFindingSchema = z.object({
  pattern: PatternNameSchema,
  severity: unit,
  /** What was seen, against what baseline, with which numbers. */
  explanation: z.string().min(1),
  evidence: z.record(z.string(), z.number()),
});

export const FeatureScoreSchema = z.object({
  feature: FeatureNameSchema,
  /** 0..1, or null when the feature had no input (absent, not invented). */
  score: unit.nullable(),
  /** Weight from policy. */
  weight: z.number().min(0),
  /** Weight after renormalising over the present features (0 when absent). */
  effectiveWeight: unit,
});

/** Timings and counts of the flagged window. Deliberately no key list. */
export const ActivitySnapshotSchema = ActivityPackageSchema.omit({ schemaVersion: true, sessionId: true, keystrokes: true })
  .extend({ durationMs: z.number().min(0) })
  .strict();

export const FlagFileSchema = z
  .object({
    schemaVersion: z.literal(FLAG_FILE_VERSION),
    /** Deterministic: `${sessionId}:${sequence}`, so a re-sent flag is recognisably the same. */
    flagId: z.string().min(1),
    createdAt: z.number(),
    sessionId: z.string().min(1),
    studentId: z.string().min(1),
    riskAssessment: z
      .object({
        level: RiskLevelSchema,
        probability: unit,
        confidence: unit,
        thresholds: z.object({ critical: unit, high: unit, medium: unit, low: unit }),
      })
      .strict(),
    patterns: z.array(PatternFindingSchema),
    featureScores: z.array(FeatureScoreSchema).length(FEATURE_NAMES.length),
    activitySnapshot: ActivitySnapshotSchema,
    severityJustification: z.string().min(1),
    /** Problems found in the input package (clamped or ignored values). */
    inputIssues: z.array(z.string()),
    /** True when the file carries enough evidence for the server's deeper analysis. */
    readyForServerAnalysis: z.boolean(),
  })
  .strict();
export type FlagFile = z.infer<typeof FlagFileSchema>;

/** The JSON Schema (draft 2020-12) the server and tests validate flag files against. */
export function flagFileJsonSchema(): Record<string, unknown> {
  return {
    $id: FLAG_FILE_SCHEMA_ID,
    title: `Vigil flag file v${FLAG_FILE_VERSION}`,
    ...z.toJSONSchema(FlagFileSchema, { target: 'draft-2020-12' }),
  };
}
