import type { LedgerPolicy, LevelThresholds } from '../contract/policy';
import type { IntegrityKind, RiskLevel, RiskReason, RiskState } from '../contract/risk';
import type { DetectionResult } from './orchestrator';
import { levelFor } from './risk-levels';

export interface ChargeOptions {
  points?: number;
  key?: string;
  graceable?: boolean;
}

/** What one integrity observation cost, as the audit records it (and restore replays it). */
export interface IntegrityCharge {
  kind: IntegrityKind;
  at: number;
  message: string;
  points: number;
  /** Warned instead of charged (the "return to the exam" warning). */
  grace: boolean;
  key?: string;
  /** The observation had been charged before: logged, not counted again. */
  repeat?: boolean;
}

/** Reasons shown with the state (most recent first). */
const SHOWN_REASONS = 5;
const SEED_THRESHOLDS: LevelThresholds = { critical: 0.8, high: 0.65, medium: 0.45, low: 0.25 };

const INTEGRITY_LABELS: Record<IntegrityKind, string> = {
  focus_lost: 'left the exam window',
  external_paste: 'pasted text from outside the exam',
  prohibited_app: 'a prohibited application was running',
  second_display: 'a second display was connected',
  synthetic_input: 'input came from software, not a keyboard',
  virtual_machine: 'the exam ran in a virtual machine',
  remote_session: 'a remote-desktop session was active',
  debugger: 'a debugger was attached',
};

const PATTERN_LABELS: Record<string, string> = {
  biometric_drift: 'typing rhythm unlike yours earlier in the exam',
  focus_collapse: 'repeatedly leaving the exam or a sharp drop in activity',
  stress_spike: 'several stress signs at once',
  network_anomaly: 'unusual network traffic',
  resource_exhaustion: 'sustained heavy load from other programs',
  temporal_inconsistency: 'typing timing no person produces (automated input)',
  classifier: 'unusual activity overall',
};

/**
 * The session risk ledger, 0..100. Integrity violations add fixed points that stay;
 * behavioural points (scored packages) decay with the policy half-life and, on their own,
 * never exceed `behaviourCap`, so a statistical model alone cannot end an exam: 100 needs
 * an integrity event. At 100 the ledger locks for good. Every entry names its evidence.
 * Deterministic: the same calls give the same states.
 */
export class RiskLedger {
  private readonly log: RiskReason[] = [];
  private integrity = 0;
  /** Behavioural points as of `behaviourAt` (already capped). */
  private behaviour = 0;
  private behaviourAt = 0;
  private lastAt = Number.NEGATIVE_INFINITY;
  private locked = false;
  /** Keys of observations already charged (one observation counts once). */
  private readonly charged = new Set<string>();
  private graceLeft: number;

  constructor(
    private readonly policy: LedgerPolicy,
    private readonly thresholds: LevelThresholds = SEED_THRESHOLDS,
    /** Violations warned before they cost (policy integrity.lockdown.leaving.graceWarnings). */
    graceWarnings = 0,
  ) {
    this.graceLeft = graceWarnings;
  }

  /** Adds the points of a scored package by its level (0 for clean, and for levels the policy gives no points). */
  recordDetection(result: DetectionResult, at: number): RiskState {
    const t = this.advance(at);
    const level = result.riskLevel;
    const points = level === 'clean' ? 0 : this.policy.behaviourPoints[level];
    if (points > 0 && !this.locked) {
      const top = [...result.patterns].sort((a, b) => b.severity - a.severity)[0];
      const code = top ? top.pattern : 'classifier';
      const detail = top
        ? top.explanation
        : `weighted features scored ${round3(result.probability)} (confidence ${round3(result.confidence)})`;
      this.behaviour = Math.min(this.policy.behaviourCap, this.decayed(t) + points);
      this.behaviourAt = t;
      this.log.push({
        at: t,
        source: 'behaviour',
        code,
        points,
        message: `${capitalise(PATTERN_LABELS[code] ?? code)}: activity scored ${level} (probability ${round3(result.probability)}). ${detail}`,
      });
      this.checkLock(t);
    }
    return this.state(t);
  }

  /** A violation at the policy's full points, no grace (the page's external paste; rows written before charges carried points). */
  recordIntegrity(kind: IntegrityKind, at: number, message: string): RiskState {
    const t = this.charge(kind, at, message).at;
    return this.state(t);
  }

  /**
   * Charges one integrity observation, once. `points` overrides the policy's fixed points
   * (a departure's points depend on what took focus and for how long); `key` names the
   * observation so a second report of it (the process watch and the foreground both seeing
   * one prohibited app) costs nothing; `graceable` violations are warned before they cost:
   * the first `graceWarnings` of them are recorded with 0 points and `grace: true`.
   */
  charge(kind: IntegrityKind, at: number, message: string, opts: ChargeOptions = {}): IntegrityCharge {
    const c = this.preview(kind, at, message, opts);
    this.replay(c);
    return c;
  }

  /** What `charge` would record, without recording it (the caller writes the audit row first). */
  preview(kind: IntegrityKind, at: number, message: string, opts: ChargeOptions = {}): IntegrityCharge {
    const t = Number.isFinite(at) ? Math.max(at, this.lastAt) : Math.max(0, this.lastAt);
    let points = Math.max(0, opts.points ?? this.policy.integrityPoints[kind]);
    let grace = false;
    const repeat = opts.key !== undefined && this.charged.has(opts.key);
    if (repeat) points = 0;
    if (points > 0 && opts.graceable && this.graceLeft > 0 && !this.locked) {
      grace = true;
      points = 0;
    }
    return {
      kind,
      at: t,
      message,
      points: round1(points),
      grace,
      ...(opts.key !== undefined ? { key: opts.key } : {}),
      ...(repeat ? { repeat: true } : {}),
    };
  }

  /** Re-applies a charge as it was recorded (restore): the same points, grace and key, so the score comes back exactly. */
  replay(c: IntegrityCharge): void {
    this.advance(c.at);
    if (c.repeat) return;
    this.apply(c);
  }

  /** Whether an observation with this key has already been charged. */
  hasCharged(key: string): boolean {
    return this.charged.has(key);
  }

  get warningsLeft(): number {
    return this.graceLeft;
  }

  private apply(c: IntegrityCharge): void {
    if (c.key !== undefined) this.charged.add(c.key);
    if (c.grace) this.graceLeft = Math.max(0, this.graceLeft - 1);
    // Entries that cost nothing (a notification, a warning) are in the audit; the ledger lists what costs.
    if (this.locked || c.points <= 0) return;
    this.integrity += c.points;
    this.log.push({
      at: c.at,
      source: 'integrity',
      code: c.kind,
      points: c.points,
      message: `${capitalise(INTEGRITY_LABELS[c.kind])}${c.message ? `: ${c.message}` : ''}`,
    });
    this.checkLock(c.at);
  }

  state(at: number): RiskState {
    const t = Math.max(at, this.lastAt);
    const score = this.score(t);
    const reasons = this.log.slice(-SHOWN_REASONS).reverse();
    return {
      score,
      level: this.levelOf(score),
      reasons,
      warning: this.warning(score, reasons),
      locked: this.locked,
    };
  }

  entries(): readonly RiskReason[] {
    return this.log;
  }

  private score(t: number): number {
    if (this.locked) return 100;
    const raw = this.integrity + Math.min(this.policy.behaviourCap, this.decayed(t));
    return Math.min(100, Math.round(raw * 10) / 10);
  }

  private decayed(t: number): number {
    if (this.behaviour === 0) return 0;
    const dt = Math.max(0, t - this.behaviourAt) / 1000;
    return this.behaviour * 0.5 ** (dt / this.policy.behaviourHalfLifeSeconds);
  }

  private checkLock(t: number): void {
    if (this.integrity + Math.min(this.policy.behaviourCap, this.decayed(t)) >= 100) this.locked = true;
  }

  /** Out-of-order calls are treated as happening at the latest time seen, so decay never runs backwards. */
  private advance(at: number): number {
    const t = Number.isFinite(at) ? Math.max(at, this.lastAt) : this.lastAt;
    this.lastAt = Number.isFinite(t) ? t : 0;
    return this.lastAt;
  }

  private levelOf(score: number): RiskLevel {
    return levelFor(score / 100, this.thresholds);
  }

  private warning(score: number, reasons: RiskReason[]): string | null {
    const crossed = this.policy.warnAt.filter((w) => score >= w);
    if (crossed.length === 0 && !this.locked) return null;
    const why = reasons
      .slice(0, 3)
      .map((r) => (r.source === 'integrity' ? INTEGRITY_LABELS[r.code as IntegrityKind] : PATTERN_LABELS[r.code] ?? r.code))
      .filter((v, i, a) => a.indexOf(v) === i)
      .join('; ');
    if (this.locked) {
      return `Your exam has been locked and submitted automatically because the risk score reached 100/100 (${why}). Every answer you gave has been kept.`;
    }
    return `Your exam risk score is ${score}/100 because: ${why}. At 100 the exam is locked and submitted automatically.`;
  }
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
