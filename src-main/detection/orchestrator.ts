import type { ActivityPackage } from '../contract/activity';
import type { Clock } from '../contract/clock';
import { FEATURE_NAMES, type FlagFile } from '../contract/flag-file';
import { DetectorSettingsSchema, type Policy } from '../contract/policy';
import type { RiskLevel } from '../contract/risk';
import { ok, type Result } from '../contract/result';
import { classify, combineWithPatterns } from './classifier';
import { newDetectorSession, restoreDetectorSession, snapshotOf, type DetectionSnapshot, type DetectorSession } from './detector-session';
import type { FeatureName, Observation, PatternFinding } from './detectors/detector';
import { buildFlagFile } from './flag-file-builder';
import { checkPackage } from './input-validation';
import { atLeast, levelFor } from './risk-levels';

export type { PatternFinding, PatternName } from './detectors/detector';
export type { DetectionSnapshot } from './detector-session';

export interface DetectionResult {
  shouldFlag: boolean;
  riskLevel: RiskLevel;
  probability: number;
  confidence: number;
  patterns: PatternFinding[];
  featureScores: Record<string, number | null>;
  flagFile?: FlagFile;
  /** Why the package was rejected, or which of its values were clamped or ignored. */
  inputIssues: string[];
}

export interface OrchestratorStats {
  packagesSeen: number;
  packagesRejected: number;
  flags: number;
  /** Flag files produced, by level. */
  flagsByLevel: Record<RiskLevel, number>;
  /** Every scored package, by level. */
  packagesByLevel: Record<RiskLevel, number>;
  meanProcessingMicros: number;
}

export interface OrchestratorOptions {
  policy: Policy['classifier'];
  clock: Clock;
  /** The one session this orchestrator scores, and its student: both are named in every flag file. */
  sessionId: string;
  studentId: string;
  /** High-resolution milliseconds for the processing-time statistic; defaults to performance.now(), else the clock. */
  timer?: () => number;
  /**
   * Leaving the exam window is charged by the risk ledger as an integrity observation (what
   * took focus, for how long): then it must not be scored again as behaviour, so the
   * focus_anomaly and app_switching features and focus_collapse's leaving findings are off.
   * The packages still record the losses. The exam session sets this; replay and the bench
   * score packages without a ledger for leaving and keep it off.
   */
  leavingCountedAsIntegrity?: boolean;
}

const zeroLevels = (): Record<RiskLevel, number> => ({ clean: 0, low: 0, medium: 0, high: 0, critical: 0 });

/**
 * The local flag orchestrator: checks each activity package, runs the six pattern
 * detectors against the session's own baselines, scores the 8-feature classifier, picks a
 * level and builds a flag file when the level reaches the policy's flag level.
 * One orchestrator scores one session (the app runs one per attempt; the bench and replay
 * make one per session they run). Pure and deterministic: time comes from the clock.
 */
export class FlagOrchestrator {
  private readonly policy: Policy['classifier'];
  private readonly clock: Clock;
  private readonly timer: () => number;
  private readonly sessionId: string;
  private readonly studentId: string;
  /** Null until the first package or an imported snapshot. */
  private state: DetectorSession | null = null;
  private readonly flagRing: FlagFile[] = [];
  private flagHead = 0;
  private seen = 0;
  private rejected = 0;
  private flagCount = 0;
  private readonly flagsByLevel = zeroLevels();
  private readonly packagesByLevel = zeroLevels();
  private totalMs = 0;
  private readonly leavingCountedAsIntegrity: boolean;

  constructor(opts: OrchestratorOptions) {
    // A classifier section built by hand (not through PolicySchema) may predate the detector settings.
    this.policy = opts.policy.detectors ? opts.policy : { ...opts.policy, detectors: DetectorSettingsSchema.parse({}) };
    this.clock = opts.clock;
    this.timer = opts.timer ?? defaultTimer(opts.clock);
    this.sessionId = opts.sessionId;
    this.studentId = opts.studentId;
    this.leavingCountedAsIntegrity = opts.leavingCountedAsIntegrity ?? false;
  }

  processPackage(pkg: ActivityPackage): DetectionResult {
    const t0 = this.timer();
    let result: DetectionResult;
    try {
      result = this.detect(pkg);
    } catch (e) {
      // A detector bug must not take the exam down or flag a student: report it, score nothing.
      result = rejectedResult([`internal detection error: ${e instanceof Error ? e.message : String(e)}`]);
      this.rejected++;
    }
    this.seen++;
    this.totalMs += this.timer() - t0;
    return result;
  }

  /**
   * The session's learnt state (baselines, typist enrolment, open evidence), JSON-safe.
   * Persist it (the session saves it in its database every minute) and hand it to
   * importState after a restart: otherwise every baseline, and the typist enrolment, is
   * learnt again from whoever types next. Null before the first package.
   */
  exportState(): DetectionSnapshot | null {
    return this.state ? snapshotOf(this.state) : null;
  }

  /** Restores exportState's output (validated; on error the state is left untouched). */
  importState(snapshot: unknown): Result<null> {
    const restored = restoreDetectorSession(snapshot, this.newSession());
    if (!restored.ok) return restored;
    this.state = restored.value;
    return ok(null);
  }

  stats(): OrchestratorStats {
    return {
      packagesSeen: this.seen,
      packagesRejected: this.rejected,
      flags: this.flagCount,
      flagsByLevel: { ...this.flagsByLevel },
      packagesByLevel: { ...this.packagesByLevel },
      meanProcessingMicros: this.seen > 0 ? (this.totalMs * 1000) / this.seen : 0,
    };
  }

  /** Most recent flag files, oldest first, at most `detectors.recentFlagLimit`. */
  recentFlags(): readonly FlagFile[] {
    const n = this.flagRing.length;
    if (n < this.policy.detectors.recentFlagLimit) return this.flagRing.slice();
    return [...this.flagRing.slice(this.flagHead), ...this.flagRing.slice(0, this.flagHead)];
  }

  private detect(pkg: ActivityPackage): DetectionResult {
    const { sessionId, studentId } = this;
    if (typeof sessionId !== 'string' || sessionId.length === 0) return this.reject(['rejected: empty session id']);
    if (typeof studentId !== 'string' || studentId.length === 0) return this.reject(['rejected: empty student id']);
    const session = (this.state ??= this.newSession());
    const checked = checkPackage(pkg, session.lastEndedAt);
    if (!checked.ok) return this.reject(checked.issues);
    const p = checked.pkg;
    session.lastEndedAt = p.endedAt;
    if (Number.isNaN(session.firstStartedAt)) session.firstStartedAt = p.startedAt;

    const settings = this.policy.detectors;
    const learningOver = p.endedAt - session.firstStartedAt >= settings.baselineSeconds * 1000;
    const obs: Observation = { pkg: p, bad: checked.bad, durationMs: p.endedAt - p.startedAt, learningOver };

    const scores: Record<FeatureName, number | null> = {
      keystroke_anomaly: null,
      network_activity: null,
      focus_anomaly: null,
      app_switching: null,
      cpu_activity: null,
      voice_stress: null, // no voice input exists: always absent, never invented
      keystroke_errors: null,
      mouse_inactivity: null,
    };
    const patterns: PatternFinding[] = [];
    for (const d of session.detectors) {
      const out = d.observe(obs);
      if (out.finding) patterns.push(out.finding);
      for (const k in out.signals) {
        const v = out.signals[k as FeatureName];
        if (v === null || v === undefined) continue;
        const cur = scores[k as FeatureName];
        scores[k as FeatureName] = cur === null || v > cur ? v : cur;
      }
    }

    const c = classify(scores, this.policy.weights);
    const severities = patterns.map((f) => f.severity);
    const probability = combineWithPatterns(c.featureProbability, severities, settings.patternInfluence);
    // Confidence: how much of the weighted evidence had input, discounted while baselines learn.
    const confidence = c.coverage * (learningOver ? 1 : 0.5);
    const riskLevel = levelFor(probability, this.policy.thresholds);
    this.packagesByLevel[riskLevel]++;
    const shouldFlag = riskLevel !== 'clean' && atLeast(riskLevel, this.policy.flagAtLevel);

    const result: DetectionResult = {
      shouldFlag,
      riskLevel,
      probability,
      confidence,
      patterns,
      featureScores: scores,
      inputIssues: checked.issues,
    };
    if (shouldFlag) {
      const flagFile = buildFlagFile({
        sessionId,
        studentId,
        createdAt: this.clock.now(),
        pkg: p,
        level: riskLevel,
        probability,
        featureProbability: c.featureProbability,
        confidence,
        thresholds: this.policy.thresholds,
        weights: this.policy.weights,
        patterns,
        featureScores: scores,
        effectiveWeights: c.effectiveWeights,
        inputIssues: checked.issues,
      });
      result.flagFile = flagFile;
      this.remember(flagFile);
      this.flagCount++;
      this.flagsByLevel[riskLevel]++;
    }
    return result;
  }

  private reject(issues: string[]): DetectionResult {
    this.rejected++;
    return rejectedResult(issues);
  }

  private newSession(): DetectorSession {
    return newDetectorSession(this.policy.detectors, !this.leavingCountedAsIntegrity);
  }

  private remember(f: FlagFile): void {
    const limit = this.policy.detectors.recentFlagLimit;
    if (this.flagRing.length < limit) this.flagRing.push(f);
    else {
      this.flagRing[this.flagHead] = f;
      this.flagHead = (this.flagHead + 1) % limit;
    }
  }
}

/**
 * The processing-time statistic wants sub-millisecond resolution: the platform's monotonic
 * performance.now() where there is one (Node, browsers), else the clock. Only this statistic
 * uses it; no decision depends on it, so detection stays deterministic.
 */
function defaultTimer(clock: Clock): () => number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? () => perf.now() : () => clock.now();
}

function rejectedResult(issues: string[]): DetectionResult {
  const featureScores: Record<string, number | null> = {};
  for (const f of FEATURE_NAMES) featureScores[f] = null;
  return { shouldFlag: false, riskLevel: 'clean', probability: 0, confidence: 0, patterns: [], featureScores, inputIssues: issues };
}
