import { ActivityWindower } from '../activity/activity-windower';
import type { AuditStore } from '../audit/audit-store';
import type { ActivityPackage, Clock, IntegrityKind, IntegrityObservation, Policy, RawEvent, RiskState, WindowEvent } from '../contract';
import type { AuditPayload } from '../contract/audit-rows';
import { FlagOrchestrator } from '../detection/orchestrator';
import { RiskLedger, type ChargeOptions, type IntegrityCharge } from '../detection/risk-ledger';

export interface DetectionPipelineOptions {
  store: AuditStore;
  clock: Clock;
  /** The rules the attempt runs under (a resumed attempt's own, not the newest installed). */
  policy: Policy;
  sessionId: string;
  studentId: string;
  /** Where the first activity window starts. */
  startAt: number;
  /** A resumed attempt's ledger and package numbering; null for a new attempt. */
  resumed: { ledger: RiskLedger; nextSequence: number } | null;
  /** A failure the exam survives (baselines not saved or not restored): logged and audited by the session. */
  onError: (what: string, e: unknown) => void;
  /** A flag was raised (after its row and upload are written): the live link sends it on. */
  onFlag?: (flag: { sequence: number; level: RiskState['level']; probability: number; patterns: { pattern: string; severity: number; explanation: string }[] }) => void;
}

/**
 * Activity to risk for one attempt: raw events are cut into windows, each closed window is
 * scored by the orchestrator against the attempt's own baselines and recorded
 * (package_scored, and flag_raised with its upload), and the ledger turns detections and
 * integrity events into the risk score. The session decides what a new score means.
 */
export class DetectionPipeline {
  private readonly windower: ActivityWindower;
  private readonly orchestrator: FlagOrchestrator;
  private readonly ledger: RiskLedger;

  constructor(private readonly opts: DetectionPipelineOptions) {
    const { policy } = opts;
    this.ledger =
      opts.resumed?.ledger ??
      new RiskLedger(policy.ledger, policy.classifier.thresholds, policy.integrity.lockdown.leaving.graceWarnings);
    this.orchestrator = new FlagOrchestrator({
      policy: policy.classifier,
      clock: opts.clock,
      sessionId: opts.sessionId,
      studentId: opts.studentId,
      // Leaving the window is the ledger's to charge (session/integrity-watch.ts), once.
      leavingCountedAsIntegrity: true,
    });
    this.windower = new ActivityWindower({
      sessionId: opts.sessionId,
      windowMs: policy.windowSeconds * 1000,
      startAt: opts.startAt,
      firstSequence: opts.resumed?.nextSequence ?? 0,
    });
  }

  riskAt(t: number): RiskState {
    return this.ledger.state(t);
  }

  push(event: RawEvent): void {
    this.windower.push(event);
  }

  /**
   * The page's window event goes into the activity windows (the packages record focus
   * losses); returns the integrity event a clipboard event amounts to. Focus is charged by
   * the session's integrity watch, which knows what took focus and for how long.
   */
  pushWindowEvent(e: WindowEvent, t: number): IntegrityKind | null {
    if (e.kind === 'focus') {
      this.windower.push({ kind: 'focus', t, focused: e.focused });
      return null;
    }
    this.windower.push({ kind: 'clipboard', t, action: e.action, external: e.external });
    return e.action === 'paste' && e.external ? 'external_paste' : null;
  }

  /**
   * Scores every window that has ended by `t`, in order. `onRisk` sees the ledger after
   * each package, so a lock happens at the package that caused it. Storage errors throw.
   */
  scoreUntil(t: number, onRisk: (next: RiskState) => void): void {
    for (const pkg of this.windower.drain(t)) onRisk(this.scorePackage(pkg));
  }

  /** The ledger words the kind itself ("Left the exam window"); `message` adds specifics ('' for none). */
  recordIntegrity(kind: IntegrityKind, at: number, message: string): RiskState {
    this.opts.store.append('integrity_event', { kind, at, message });
    return this.ledger.recordIntegrity(kind, at, message);
  }

  /** What the OS-level capture saw goes into the audit log as evidence; it adds no points here. */
  recordObservation(o: IntegrityObservation): void {
    this.opts.store.append('integrity_observation', o);
  }

  /**
   * Charges one integrity observation on the ledger (points, grace, once per key) and
   * records it with its evidence; the row is written before the ledger moves, so a refused
   * write leaves the two in step.
   */
  chargeIntegrity(
    kind: IntegrityKind,
    at: number,
    message: string,
    opts: ChargeOptions,
    evidence?: AuditPayload<'integrity_event'>['evidence'],
  ): { charge: IntegrityCharge; state: RiskState } {
    const c = this.ledger.preview(kind, at, message, opts);
    this.opts.store.append('integrity_event', {
      kind,
      at: c.at,
      message,
      points: c.points,
      grace: c.grace,
      ...(c.key !== undefined ? { key: c.key } : {}),
      ...(c.repeat ? { repeat: true } : {}),
      ...(evidence ? { evidence } : {}),
    });
    this.ledger.replay(c);
    return { charge: c, state: this.ledger.state(c.at) };
  }

  hasCharged(key: string): boolean {
    return this.ledger.hasCharged(key);
  }

  get warningsLeft(): number {
    return this.ledger.warningsLeft;
  }

  /**
   * The detectors' baselines and the typist enrolment survive a restart; otherwise a
   * restarted app would enrol whoever types next as the student.
   */
  saveState(): void {
    const snapshot = this.orchestrator.exportState();
    if (!snapshot) return;
    try {
      this.opts.store.saveEngineState(DETECTION_STATE_KEY, snapshot);
    } catch (e) {
      this.opts.onError('saving the detection baselines', e);
    }
  }

  restoreState(): void {
    const saved = this.opts.store.loadEngineState(DETECTION_STATE_KEY);
    if (saved === null) return;
    const restored = this.orchestrator.importState(saved);
    if (!restored.ok) this.opts.onError('restoring the detection baselines', new Error(restored.error.message));
  }

  private scorePackage(pkg: ActivityPackage): RiskState {
    const { store, sessionId, studentId } = this.opts;
    const result = this.orchestrator.processPackage(pkg);
    store.append('package_scored', {
      sequence: pkg.sequence,
      startedAt: pkg.startedAt,
      endedAt: pkg.endedAt,
      keystrokeCount: pkg.keystrokeCount,
      // Review draws the time away from the exam window from these (focus_lost marks only the start).
      focusLosses: pkg.focusLosses,
      unfocusedMs: pkg.unfocusedMs,
      shouldFlag: result.shouldFlag,
      level: result.riskLevel,
      probability: result.probability,
      confidence: result.confidence,
      patterns: result.patterns,
      featureScores: result.featureScores,
      inputIssues: result.inputIssues,
    });
    if (result.shouldFlag && result.flagFile) {
      const flag = { sequence: pkg.sequence, level: result.riskLevel, probability: result.probability, patterns: result.patterns };
      store.append('flag_raised', flag, { path: `/api/flagged-activity/${enc(sessionId)}/${enc(studentId)}`, body: result.flagFile });
      this.opts.onFlag?.(flag);
    }
    return this.ledger.recordDetection(result, pkg.endedAt);
  }
}

const enc = encodeURIComponent;
const DETECTION_STATE_KEY = 'detection';
