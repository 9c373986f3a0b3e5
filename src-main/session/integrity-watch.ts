import type { AuditStore } from '../audit/audit-store';
import type { Departure, IntegrityObservation, LeavingPolicy, Policy, ReturnWarning, RiskState } from '../contract';
import { departureCharge, prohibitedKey } from '../detection/departure-charge';
import { DepartureTracker } from '../detection/departure-tracker';
import type { ChargeOptions, IntegrityCharge } from '../detection/risk-ledger';
import type { DetectionPipeline } from './detection-pipeline';
import type { FocusTargetClassifier } from './focus-target';

export interface IntegrityWatchOptions {
  policy: Policy;
  detection: DetectionPipeline;
  store: AuditStore;
  classifier: FocusTargetClassifier;
  /** The ledger moved: the session decides what the new score means. */
  onRisk: (next: RiskState) => void;
  /**
   * Kinds of the pre-exam check the exam started with as warnings (the policy let it start
   * so): the same condition seen during the exam is recorded, not charged.
   */
  acceptedAtStart: () => ReadonlySet<string>;
  /** A violation was warned instead of charged, or the warning was read: the page shows or hides "return to the exam". */
  onWarningChange: () => void;
}

type Evidence = Record<string, string | number | boolean | null | string[]>;

/**
 * The integrity side of one attempt: the page's focus events and the OS watcher's
 * observations become ledger charges, each observation once. Leaving the window is one
 * departure however many sources saw it, charged when it ends by what took focus and for
 * how long; a prohibited app, a second display, injected input, a VM or a remote session
 * are charged once per observation; what costs nothing (an accommodation, capture that
 * cannot run, power events) is recorded as a finding for the proctor.
 */
export class IntegrityWatch {
  private readonly tracker: DepartureTracker;
  private readonly leaving: LeavingPolicy;
  /** Injected events per device so far (the finding carries the running count). */
  private readonly synthetic = new Map<string, number>();
  private displaysSeen = 1;
  private pendingWarning: ReturnWarning | null = null;

  constructor(private readonly opts: IntegrityWatchOptions) {
    this.leaving = opts.policy.integrity.lockdown.leaving;
    this.tracker = new DepartureTracker(this.leaving.sameObservationMs);
  }

  /** The warning the student has not acknowledged yet. */
  get warning(): ReturnWarning | null {
    return this.pendingWarning;
  }

  /** The student read the warning (an id that is not the pending one changes nothing). */
  acknowledge(id: string, at: number): void {
    if (this.pendingWarning?.id !== id) return;
    this.opts.store.append('warning_acknowledged', { id, at });
    this.pendingWarning = null;
    this.opts.onWarningChange();
  }

  pageFocus(focused: boolean, t: number): void {
    this.departed(this.tracker.page(focused, t));
  }

  observe(o: IntegrityObservation): void {
    switch (o.kind) {
      case 'foreground_changed':
        this.departed(this.tracker.foreground(this.opts.classifier.classify(o), o.t));
        return;
      case 'power':
        this.finding(o.t, `power_${o.event.replace('-', '_')}`, POWER_WORDS[o.event], {});
        if (o.event === 'lock-screen' || o.event === 'unlock-screen') this.departed(this.tracker.screenLock(o.event === 'lock-screen', o.t));
        // A suspended machine is away until it resumes and the student is back in the window.
        if (o.event === 'suspend') this.departed(this.tracker.screenLock(true, o.t));
        if (o.event === 'resume') this.departed(this.tracker.screenLock(false, o.t));
        return;
      case 'prohibited_app':
        this.charge(o.t, 'prohibited_app', `${o.name} (${o.category.replace(/_/g, ' ')}) is running, process ${o.pid}`, {
          key: prohibitedKey(o.category, o.name),
          graceable: true,
        }, { pid: o.pid, executable: o.executable, name: o.name, category: o.category });
        return;
      case 'synthetic_input': {
        const total = (this.synthetic.get(o.device) ?? 0) + o.count;
        this.synthetic.set(o.device, total);
        const evidence = { device: o.device, count: o.count, total };
        if (o.allowedBy !== null) {
          this.finding(o.t, 'synthetic_input_allowed', `${o.count} injected input events from ${o.device}, allowed: ${o.allowedBy}`, { ...evidence, allowedBy: o.allowedBy });
          return;
        }
        this.charge(o.t, 'synthetic_input', `${o.count} injected input events from ${o.device} (${total} so far)`, { key: `synthetic_input:${o.device}` }, evidence);
        return;
      }
      case 'display_changed':
        if ((o.count > 1 || o.mirrored) && this.accepted(o.mirrored ? 'mirrored_display' : 'second_display')) {
          this.finding(o.t, 'display_accepted', `${o.count} displays${o.mirrored ? ', mirrored' : ''}: accepted when the exam started`, { count: o.count, mirrored: o.mirrored });
        } else if (o.count > 1 || o.mirrored) {
          this.charge(o.t, 'second_display', o.mirrored ? `the display is mirrored (${o.count} outputs)` : `${o.count} displays connected`, {
            key: 'second_display',
            graceable: true,
          }, { count: o.count, mirrored: o.mirrored });
        } else if (this.displaysSeen > 1) {
          this.finding(o.t, 'display_changed', `back to ${o.count} display`, { count: o.count });
        }
        this.displaysSeen = o.count;
        return;
      case 'virtual_machine':
      case 'remote_session':
        if (this.accepted(o.kind)) {
          this.finding(o.t, `${o.kind}_accepted`, `${o.evidence.join('; ')}: accepted when the exam started`, { evidence: o.evidence });
          return;
        }
        this.charge(o.t, o.kind, o.evidence.join('; '), { key: o.kind }, { evidence: o.evidence });
        return;
      case 'capture_unavailable':
        this.finding(o.t, 'capture_unavailable', `Vigil cannot watch ${o.what}: ${o.reason}`, { what: o.what, reason: o.reason });
        return;
    }
  }

  /**
   * Charges an absence that has lasted long enough to cost its full points, without waiting
   * for the return (a student who never comes back is charged too). Called on a cadence.
   */
  tick(t: number): void {
    const since = this.tracker.awaySince;
    if (since !== null && t - since >= this.leaving.fullPointsAfterSeconds * 1000) this.departed(this.tracker.settle(t));
  }

  /** The exam is ending: an absence still open is charged up to now. */
  settle(t: number): void {
    this.departed(this.tracker.settle(t));
  }

  private departed(d: Departure | null): void {
    if (!d) return;
    const { kind, message, opts } = departureCharge(d, this.opts.policy.ledger, this.leaving, (key) => this.opts.detection.hasCharged(key));
    this.charge(d.to, kind, message, opts, {
      from: d.from,
      to: d.to,
      awayMs: d.to - d.from,
      target: d.target.kind,
      targetName: d.target.name,
      seenBy: d.seenBy,
    });
  }

  private charge(t: number, kind: IntegrityCharge['kind'], message: string, opts: ChargeOptions, evidence: Evidence): void {
    const { charge, state } = this.opts.detection.chargeIntegrity(kind, t, message, opts, evidence);
    if (charge.grace) {
      this.pendingWarning = {
        id: `${kind}-${charge.at}`,
        at: charge.at,
        message: warningText(charge),
        warningsLeft: this.opts.detection.warningsLeft,
      };
      this.opts.onWarningChange();
    }
    this.opts.onRisk(state);
  }

  private accepted(checkKind: string): boolean {
    return this.opts.acceptedAtStart().has(checkKind);
  }

  private finding(at: number, kind: string, message: string, evidence: Evidence): void {
    this.opts.store.append('integrity_finding', { at, kind, message, evidence });
  }
}

const POWER_WORDS = {
  suspend: 'the computer went to sleep',
  resume: 'the computer woke up',
  'lock-screen': 'the screen was locked',
  'unlock-screen': 'the screen was unlocked',
} as const;

function warningText(c: IntegrityCharge): string {
  const what =
    c.kind === 'prohibited_app'
      ? `A prohibited application was seen: ${c.message}. Close it.`
      : c.kind === 'second_display'
        ? `A second display was seen: ${c.message}. Disconnect it.`
        : `You left the exam window: ${c.message}.`;
  return `${what} This time it costs nothing. From now on, leaving the exam or running prohibited software adds points to your risk score.`;
}
