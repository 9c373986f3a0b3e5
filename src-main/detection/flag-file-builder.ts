import type { ActivityPackage } from '../contract/activity';
import { FEATURE_NAMES, FLAG_FILE_VERSION, type FlagFile } from '../contract/flag-file';
import type { ClassifierWeights, LevelThresholds } from '../contract/policy';
import type { RiskLevel } from '../contract/risk';
import { round } from './baseline';
import type { FeatureName, PatternFinding } from './detectors/detector';

export interface FlagInput {
  sessionId: string;
  studentId: string;
  createdAt: number;
  pkg: ActivityPackage;
  level: RiskLevel;
  probability: number;
  featureProbability: number;
  confidence: number;
  thresholds: LevelThresholds;
  weights: ClassifierWeights;
  patterns: PatternFinding[];
  featureScores: Record<FeatureName, number | null>;
  effectiveWeights: Record<FeatureName, number>;
  inputIssues: string[];
}

/** Minimum confidence at which a flag carries enough evidence for the server's deeper analysis. */
const READY_CONFIDENCE = 0.4;

/** Builds the versioned flag file: timings and counts only (no key list, no characters). */
export function buildFlagFile(i: FlagInput): FlagFile {
  const p = i.pkg;
  return {
    schemaVersion: FLAG_FILE_VERSION,
    flagId: `${i.sessionId}:${p.sequence}`,
    createdAt: i.createdAt,
    sessionId: i.sessionId,
    studentId: i.studentId,
    riskAssessment: {
      level: i.level,
      probability: round(i.probability, 4),
      confidence: round(i.confidence, 4),
      thresholds: { critical: i.thresholds.critical, high: i.thresholds.high, medium: i.thresholds.medium, low: i.thresholds.low },
    },
    patterns: i.patterns.map((f) => ({ ...f, severity: round(f.severity, 4) })),
    featureScores: FEATURE_NAMES.map((f) => ({
      feature: f,
      score: i.featureScores[f] === null ? null : round(i.featureScores[f]!, 4),
      weight: i.weights[f],
      effectiveWeight: round(i.effectiveWeights[f], 4),
    })),
    activitySnapshot: {
      sequence: p.sequence,
      startedAt: p.startedAt,
      endedAt: p.endedAt,
      durationMs: p.endedAt - p.startedAt,
      keystrokeCount: p.keystrokeCount,
      meanDwellMs: round(p.meanDwellMs, 2),
      stdDwellMs: round(p.stdDwellMs, 2),
      meanFlightMs: round(p.meanFlightMs, 2),
      stdFlightMs: round(p.stdFlightMs, 2),
      backspaceRatio: p.backspaceRatio,
      meanMouseSpeed: round(p.meanMouseSpeed, 2),
      mouseMoveCount: p.mouseMoveCount,
      inactivityMs: p.inactivityMs,
      focusLosses: p.focusLosses,
      unfocusedMs: p.unfocusedMs,
      copyEvents: p.copyEvents,
      pasteEvents: p.pasteEvents,
      externalPasteEvents: p.externalPasteEvents,
      cpuLoadPercent: p.cpuLoadPercent,
      netRxBytesPerSec: p.netRxBytesPerSec,
      netTxBytesPerSec: p.netTxBytesPerSec,
    },
    severityJustification: justify(i),
    inputIssues: i.inputIssues,
    readyForServerAnalysis: i.confidence >= READY_CONFIDENCE && (i.patterns.length > 0 || i.featureProbability > 0),
  };
}

function justify(i: FlagInput): string {
  const t = i.thresholds;
  const bound =
    i.level === 'critical' ? `above ${t.critical}` : i.level === 'high' ? `${t.high}-${t.critical}` : i.level === 'medium' ? `${t.medium}-${t.high}` : i.level === 'low' ? `${t.low}-${t.medium}` : `below ${t.low}`;
  const top = FEATURE_NAMES.filter((f) => i.featureScores[f] !== null && i.effectiveWeights[f] * (i.featureScores[f] ?? 0) > 0)
    .sort((a, b) => i.effectiveWeights[b] * i.featureScores[b]! - i.effectiveWeights[a] * i.featureScores[a]!)
    .slice(0, 3)
    .map((f) => `${f} ${round(i.featureScores[f]!, 2)} (weight ${round(i.effectiveWeights[f], 2)})`);
  const absent = FEATURE_NAMES.filter((f) => i.featureScores[f] === null);
  const pats = i.patterns.map((f) => `${f.pattern} (severity ${round(f.severity, 2)})`);
  return (
    `Level ${i.level} (${bound}) at probability ${round(i.probability, 3)}, confidence ${round(i.confidence, 2)}. ` +
    `Weighted features give ${round(i.featureProbability, 3)}` +
    (top.length ? `, led by ${top.join(', ')}` : '') +
    '. ' +
    (pats.length ? `Patterns raising it: ${pats.join(', ')}. ` : 'No pattern fired. ') +
    (absent.length ? `Absent (renormalised): ${absent.join(', ')}.` : 'All features present.')
  );
}
