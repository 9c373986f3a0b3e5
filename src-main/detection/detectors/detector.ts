import type { ActivityPackage } from '../../contract/activity';
import type { FEATURE_NAMES, PATTERN_NAMES } from '../../contract/flag-file';
import type { DetectorSettings } from '../../contract/policy';
import type { BadFields } from '../input-validation';

export type PatternName = (typeof PATTERN_NAMES)[number];
export type FeatureName = (typeof FEATURE_NAMES)[number];

export interface PatternFinding {
  pattern: PatternName;
  /** 0..1 */
  severity: number;
  /** What was seen, against what baseline, with which numbers. */
  explanation: string;
  evidence: Record<string, number>;
}

/** What one package looks like to a detector: checked, with its repaired fields marked. */
export interface Observation {
  pkg: ActivityPackage;
  bad: BadFields;
  /** The package's window length, ms (> 0). */
  durationMs: number;
  /** True once the baseline-learning period of the session is over. */
  learningOver: boolean;
}

export interface DetectorOutput {
  finding: PatternFinding | null;
  /** The classifier features this detector measures, 0..1; null = no input this package (absent). */
  signals: Partial<Record<FeatureName, number | null>>;
}

/**
 * One pattern detector with its own per-student baseline. One instance per session;
 * observe() is called once per package, in time order.
 */
export interface Detector {
  readonly name: PatternName;
  observe(o: Observation): DetectorOutput;
  /** The learnt state (baselines, enrolment), JSON-safe, so a restarted app resumes the session. */
  save(): DetectorState;
  /** Restores save()'s output; throws a RangeError on anything else. */
  load(state: DetectorState): void;
}

export type DetectorState = Record<string, unknown>;

/** Reads one field of a saved state, or throws with its name. */
export function field<T>(state: DetectorState, key: string, ok: (v: unknown) => v is T): T {
  const v = state[key];
  if (!ok(v)) throw new RangeError(`detector state field ${key} is missing or invalid`);
  return v;
}

export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isNumberOrNull = (v: unknown): v is number | null => v === null || isFiniteNumber(v);
export const isBaselineState = (v: unknown): v is [number, number, number] =>
  Array.isArray(v) && v.length === 3 && v.every(isFiniteNumber);

export const NO_OUTPUT: DetectorOutput = Object.freeze({ finding: null, signals: {} }) as DetectorOutput;
