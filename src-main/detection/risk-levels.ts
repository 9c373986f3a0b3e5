import type { RiskLevel } from '../contract/risk';
import type { LevelThresholds } from '../contract/policy';

/** The seed's five levels: critical > 0.80, high 0.65-0.80, medium 0.45-0.65, low 0.25-0.45, clean < 0.25. */
export function levelFor(probability: number, t: LevelThresholds): RiskLevel {
  if (probability > t.critical) return 'critical';
  if (probability >= t.high) return 'high';
  if (probability >= t.medium) return 'medium';
  if (probability >= t.low) return 'low';
  return 'clean';
}

const RANK: Record<RiskLevel, number> = { clean: 0, low: 1, medium: 2, high: 3, critical: 4 };

export const atLeast = (level: RiskLevel, floor: RiskLevel): boolean => RANK[level] >= RANK[floor];
