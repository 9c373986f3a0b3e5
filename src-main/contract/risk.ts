import { z } from 'zod';
import { RISK_LEVELS } from './risk-levels';

export { RISK_LEVELS } from './risk-levels';
export const RiskLevelSchema = z.enum(RISK_LEVELS);
export type RiskLevel = z.infer<typeof RiskLevelSchema>;

/** Integrity violations: each adds fixed points set by policy. */
export const INTEGRITY_KINDS = [
  'focus_lost',
  'external_paste',
  'prohibited_app',
  'second_display',
  'synthetic_input',
  'virtual_machine',
  'remote_session',
  'debugger',
] as const;
export const IntegrityKindSchema = z.enum(INTEGRITY_KINDS);
export type IntegrityKind = z.infer<typeof IntegrityKindSchema>;

/** One entry on the session risk ledger: every point names its evidence. */
export interface RiskReason {
  at: number;
  /** 'integrity' for fixed-point violations, 'behaviour' for flagged activity packages. */
  source: 'integrity' | 'behaviour';
  /** An IntegrityKind or a detector pattern name such as 'biometric_drift'. */
  code: string;
  /** Points this entry added (before decay). */
  points: number;
  /** Human explanation with the numbers, shown to the student and the proctor. */
  message: string;
}

export interface RiskState {
  /** 0..100, rounded to one decimal place. */
  score: number;
  level: RiskLevel;
  /** Most recent reasons first, at most a handful. */
  reasons: RiskReason[];
  /** A warning threshold has been crossed: the student is told why. */
  warning: string | null;
  locked: boolean;
}
