import type { DetectorSettings } from '../contract/policy';
import { err, ok, type Result } from '../contract/result';
import { BiometricDriftDetector } from './detectors/biometric-drift';
import type { Detector, DetectorState, PatternName } from './detectors/detector';
import { FocusCollapseDetector } from './detectors/focus-collapse';
import { NetworkAnomalyDetector } from './detectors/network-anomaly';
import { ResourceExhaustionDetector } from './detectors/resource-exhaustion';
import { StressSpikeDetector } from './detectors/stress-spike';
import { TemporalInconsistencyDetector } from './detectors/temporal-inconsistency';

/** A session's learnt detection state, JSON-safe (see FlagOrchestrator.exportState). */
export interface DetectionSnapshot {
  version: typeof SNAPSHOT_VERSION;
  firstStartedAt: number | null;
  lastEndedAt: number | null;
  detectors: Record<PatternName, DetectorState>;
}

const SNAPSHOT_VERSION = 1 as const;

/** The six pattern detectors of one session, with its own baselines, and the span they have seen. */
export interface DetectorSession {
  /** NaN until the first package. */
  firstStartedAt: number;
  lastEndedAt: number | undefined;
  detectors: Detector[];
}

/**
 * A session's detectors, learning from nothing. `scoreLeaving` off when leaving the exam
 * window is charged by the risk ledger instead (OrchestratorOptions.leavingCountedAsIntegrity).
 */
export function newDetectorSession(d: DetectorSettings, scoreLeaving: boolean): DetectorSession {
  return {
    firstStartedAt: Number.NaN,
    lastEndedAt: undefined,
    detectors: [
      new BiometricDriftDetector(d),
      new FocusCollapseDetector(d, { scoreLeaving }),
      new StressSpikeDetector(d),
      new NetworkAnomalyDetector(d),
      new ResourceExhaustionDetector(d),
      new TemporalInconsistencyDetector(d),
    ],
  };
}

export function snapshotOf(s: DetectorSession): DetectionSnapshot {
  const detectors: Partial<Record<PatternName, DetectorState>> = {};
  for (const d of s.detectors) detectors[d.name] = d.save();
  return {
    version: SNAPSHOT_VERSION,
    firstStartedAt: Number.isNaN(s.firstStartedAt) ? null : s.firstStartedAt,
    lastEndedAt: s.lastEndedAt ?? null,
    detectors: detectors as Record<PatternName, DetectorState>,
  };
}

/** `fresh` with a snapshot's state loaded into it, validated; an error leaves nothing half-loaded in use. */
export function restoreDetectorSession(snapshot: unknown, fresh: DetectorSession): Result<DetectorSession> {
  try {
    const snap = snapshot as Partial<DetectionSnapshot> | null;
    if (typeof snap !== 'object' || snap === null || snap.version !== SNAPSHOT_VERSION) {
      return err('invalid_input', `not a version ${SNAPSHOT_VERSION} detection snapshot`);
    }
    const num = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v));
    if (!num(snap.firstStartedAt) || !num(snap.lastEndedAt) || typeof snap.detectors !== 'object' || snap.detectors === null) {
      return err('invalid_input', 'detection snapshot has invalid times or no detectors');
    }
    for (const d of fresh.detectors) {
      const state = (snap.detectors as Record<string, unknown>)[d.name];
      if (typeof state !== 'object' || state === null) return err('invalid_input', `detection snapshot has no ${d.name} state`);
      d.load(state as DetectorState);
    }
    fresh.firstStartedAt = snap.firstStartedAt ?? Number.NaN;
    fresh.lastEndedAt = snap.lastEndedAt ?? undefined;
    return ok(fresh);
  } catch (e) {
    return err('invalid_input', `detection snapshot rejected: ${e instanceof Error ? e.message : String(e)}`);
  }
}
