import { z } from 'zod';
import { IntegrityPolicySchema } from './policy-integrity';
import { INTEGRITY_KINDS } from './risk';

/**
 * The exam policy IT deploys. Every number that decides a flag, a warning or a lock lives
 * here, with the seed's values as defaults. A production build runs only a policy signed by
 * the institution key (src-main/exam/installed-config.ts, docs/deploy.md).
 */
export const ClassifierWeightsSchema = z.object({
  keystroke_anomaly: z.number().min(0).default(0.25),
  network_activity: z.number().min(0).default(0.25),
  focus_anomaly: z.number().min(0).default(0.15),
  app_switching: z.number().min(0).default(0.1),
  cpu_activity: z.number().min(0).default(0.08),
  voice_stress: z.number().min(0).default(0.1),
  keystroke_errors: z.number().min(0).default(0.05),
  mouse_inactivity: z.number().min(0).default(0.02),
}).refine((w) => Object.values(w).some((v) => v > 0), {
  // The classifier divides each weight by the sum of the present ones: all zero scores nothing.
  message: 'at least one classifier weight must be above 0, or no package can ever be flagged',
});
export type ClassifierWeights = z.infer<typeof ClassifierWeightsSchema>;

/** Lower bounds of each level (clean is everything below `low`). */
export const LevelThresholdsSchema = z
  .object({
    critical: z.number().default(0.8),
    high: z.number().default(0.65),
    medium: z.number().default(0.45),
    low: z.number().default(0.25),
  })
  .refine((t) => t.critical > t.high && t.high > t.medium && t.medium > t.low && t.low > 0 && t.critical <= 1, {
    // They are bounds on a probability: above 1 a level can never be reached.
    message: 'thresholds must satisfy 0 < low < medium < high < critical <= 1',
  });
export type LevelThresholds = z.infer<typeof LevelThresholdsSchema>;

/** Settings of the six pattern detectors and the orchestrator around them. */
export const DetectorSettingsSchema = z.object({
  /** Each detector learns the student's baseline over this much exam time before judging. */
  baselineSeconds: z.number().min(0).max(3600).default(120),
  /** A baseline needs at least this many packages carrying the signal it learns. */
  baselineMinPackages: z.number().int().min(2).max(1000).default(6),
  /** How strongly a fired pattern (severity 0..1) raises the probability (noisy-OR weight). */
  patternInfluence: z.number().min(0).max(1).default(0.8),
  /** Keystrokes the typist model enrols on (the student's first keystrokes of the exam). */
  typistEnrollKeystrokes: z.number().int().min(100).max(5000).default(250),
  /** New keystrokes per scored block (each block is scored against the enrolled typist). */
  typistBlockKeystrokes: z.number().int().min(10).max(500).default(25),
  /**
   * CUSUM alarm level on block scores in units of the student's own genuine spread: evidence
   * accumulates (minus half the model's decision threshold per block) and biometric_drift
   * fires above this. Higher = fewer false flags, later detection; measured on the 280
   * development typists by test/integration/replay-fairness.test.ts (14: about 1% of honest
   * sessions, about 90% of halfway swaps).
   */
  typistAlarm: z.number().min(1).max(100).default(14),
  /** z-score a signal must exceed (against the student's own baseline) to count as unusual. */
  zThreshold: z.number().min(1).max(20).default(3.5),
  /** Flag files kept in memory by the orchestrator (bounded cache). */
  recentFlagLimit: z.number().int().min(1).max(10000).default(200),
}).refine((d) => d.typistBlockKeystrokes <= d.typistEnrollKeystrokes, {
  message: 'typistBlockKeystrokes cannot exceed typistEnrollKeystrokes: a block is scored against what was enrolled',
});
export type DetectorSettings = z.infer<typeof DetectorSettingsSchema>;

const integrityPointsDefaults: Record<(typeof INTEGRITY_KINDS)[number], number> = {
  focus_lost: 20,
  external_paste: 25,
  prohibited_app: 50,
  second_display: 40,
  synthetic_input: 50,
  virtual_machine: 30,
  remote_session: 60,
  debugger: 60,
};

export const LedgerPolicySchema = z.object({
  /** Fixed points per integrity violation. */
  integrityPoints: z
    .object(
      Object.fromEntries(
        INTEGRITY_KINDS.map((k) => [k, z.number().min(0).max(100).default(integrityPointsDefaults[k])]),
      ) as { [K in (typeof INTEGRITY_KINDS)[number]]: z.ZodDefault<z.ZodNumber> },
    )
    .prefault({}),
  /** Points a flagged package adds, by level. */
  behaviourPoints: z
    .object({
      low: z.number().min(0).default(0),
      medium: z.number().min(0).default(3),
      high: z.number().min(0).default(8),
      critical: z.number().min(0).default(15),
    })
    .prefault({}),
  /** Behavioural points halve after this long without new behavioural evidence. */
  behaviourHalfLifeSeconds: z.number().positive().default(300),
  /** Behavioural evidence alone never takes the score past this (a statistical model alone must not end an exam). */
  behaviourCap: z.number().min(0).max(99).default(60),
  /** Scores at which the student is warned, with reasons. */
  warnAt: z
    .array(
      z
        .number()
        .gt(0, 'a warning level must be above 0 (every exam starts at 0)')
        .lt(100, 'a warning level must be below 100 (at 100 the exam is locked, not warned)'),
    )
    .refine((w) => w.every((v, i) => i === 0 || v > w[i - 1]!), {
      message: 'warnAt must be in strictly ascending order without repeats',
    })
    .default([40, 70, 90]),
});
export type LedgerPolicy = z.infer<typeof LedgerPolicySchema>;

/** How often the app sends the exam server a checkpoint of its audit log (issue 8). */
export const CheckpointPolicySchema = z.object({
  /** A checkpoint once this many audit rows were added since the last. */
  everyRows: z.number().int().min(1).max(100_000).default(200),
  /** And at least this often while rows are added (seconds). */
  everySeconds: z.number().min(5).max(3600).default(60),
});
export type CheckpointPolicy = z.infer<typeof CheckpointPolicySchema>;

export const PolicySchema = z.object({
  schemaVersion: z.literal(1),
  /** Length of one activity package window. */
  windowSeconds: z.number().min(1).max(120).default(5),
  /** Exam server base URL; absent = keep every upload queued locally. */
  serverUrl: z
    .url({ protocol: /^https?$/, hostname: /./, error: 'serverUrl must be an http:// or https:// URL' })
    .refine((u) => !/[?#]/.test(u), {
      // Upload paths are appended to it ("/flags"): a query or fragment would swallow them.
      message: 'serverUrl must not have a query (?) or fragment (#): upload paths are appended to it',
    })
    .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), {
      message: 'serverUrl must not contain a user name or password: it is logged and shown',
    })
    .nullable()
    .default(null),
  classifier: z
    .object({
      weights: ClassifierWeightsSchema.prefault({}),
      thresholds: LevelThresholdsSchema.prefault({}),
      /** Packages at or above this level produce a flag file. */
      flagAtLevel: z.enum(['low', 'medium', 'high', 'critical']).default('high'),
      /** Detector settings (pattern detectors, baselines, caches). */
      detectors: DetectorSettingsSchema.prefault({}),
    })
    .prefault({}),
  ledger: LedgerPolicySchema.prefault({}),
  checkpoints: CheckpointPolicySchema.prefault({}),
  integrity: IntegrityPolicySchema.prefault({}),
});
export type Policy = z.infer<typeof PolicySchema>;

export const defaultPolicy = (): Policy => PolicySchema.parse({ schemaVersion: 1 });
