// A flag file as the app's orchestrator builds it (the real builder), for tests that upload
// flags to the exam server.
import type { ActivityPackage } from '../src-main/contract/activity';
import type { FlagFile } from '../src-main/contract/flag-file';
import { defaultPolicy } from '../src-main/contract/policy';
import type { RiskLevel } from '../src-main/contract/risk';
import { buildFlagFile } from '../src-main/detection/flag-file-builder';
import type { PatternFinding } from '../src-main/detection/detectors/detector';

export interface FlagFileFacts {
  sessionId: string;
  studentId: string;
  sequence: number;
  /** The package's window: [startedAt, startedAt + windowMs). */
  startedAt: number;
  windowMs?: number;
  level: RiskLevel;
  probability: number;
  patterns?: PatternFinding[];
  keystrokeCount?: number;
  unfocusedMs?: number;
  focusLosses?: number;
  /** featureScores.keystroke_anomaly (the typist-drift lane). */
  keystrokeAnomaly?: number | null;
}

export function flagFileFor(f: FlagFileFacts): FlagFile {
  const windowMs = f.windowMs ?? 5_000;
  const policy = defaultPolicy().classifier;
  const pkg: ActivityPackage = {
    schemaVersion: 1,
    sessionId: f.sessionId,
    sequence: f.sequence,
    startedAt: f.startedAt,
    endedAt: f.startedAt + windowMs,
    keystrokeCount: f.keystrokeCount ?? 30,
    meanDwellMs: 95,
    stdDwellMs: 20,
    meanFlightMs: 90,
    stdFlightMs: 50,
    backspaceRatio: 0.05,
    meanMouseSpeed: 300,
    mouseMoveCount: 20,
    inactivityMs: 500,
    focusLosses: f.focusLosses ?? 0,
    unfocusedMs: f.unfocusedMs ?? 0,
    copyEvents: 0,
    pasteEvents: 0,
    externalPasteEvents: 0,
    cpuLoadPercent: 20,
    netRxBytesPerSec: 2000,
    netTxBytesPerSec: 500,
    keystrokes: [],
  };
  const w = 1 / 8;
  return buildFlagFile({
    sessionId: f.sessionId,
    studentId: f.studentId,
    createdAt: pkg.endedAt + 20,
    pkg,
    level: f.level,
    probability: f.probability,
    featureProbability: f.probability,
    confidence: 0.8,
    thresholds: policy.thresholds,
    weights: policy.weights,
    patterns: f.patterns ?? [],
    featureScores: {
      keystroke_anomaly: f.keystrokeAnomaly ?? null,
      network_activity: 0,
      focus_anomaly: 0,
      app_switching: 0,
      cpu_activity: 0.2,
      voice_stress: null,
      keystroke_errors: 0,
      mouse_inactivity: 0.1,
    },
    effectiveWeights: {
      keystroke_anomaly: w,
      network_activity: w,
      focus_anomaly: w,
      app_switching: w,
      cpu_activity: w,
      voice_stress: w,
      keystroke_errors: w,
      mouse_inactivity: w,
    },
    inputIssues: [],
  });
}
