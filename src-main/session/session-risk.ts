import type { AuditStore } from '../audit/audit-store';
import type { RiskState } from '../contract';
import { floorRisk } from './attempt-start';

/**
 * The attempt's risk as the student and the proctor see it: every change recorded
 * (`risk_changed`) and streamed, the highest score kept (the marker carries it), and, after
 * tampering, a floor the score never drops below. A score that locks locks the exam.
 */
export class SessionRisk {
  private state: RiskState;
  private max: number;

  constructor(
    private readonly a: {
      store: AuditStore;
      /** After tampering, the score never drops below the highest one seen before it. */
      floor: number;
      /** The detection's risk when the attempt opens. */
      initial: RiskState;
      /** A change was recorded: stream it (live link) and re-publish the snapshot. */
      onChange: (next: RiskState) => void;
      /** A new highest score: the marker beside the file keeps it. */
      onNewMax: () => void;
      /** The score locks the exam (the session decides whether it still can). */
      onLocked: () => void;
    },
  ) {
    this.state = floorRisk(a.initial, a.floor);
    this.max = this.state.score;
  }

  get current(): RiskState {
    return this.state;
  }

  /** The highest score seen in this run (and the floor's). */
  get maxScore(): number {
    return this.max;
  }

  update(raw: RiskState): void {
    const next = floorRisk(raw, this.a.floor);
    const before = this.state;
    this.state = next;
    if (next.score !== before.score || next.warning !== before.warning || next.locked !== before.locked) {
      this.a.store.append('risk_changed', { from: before.score, to: next.score, level: next.level, reasons: next.reasons, warning: next.warning });
      if (next.score > this.max) {
        this.max = next.score;
        this.a.onNewMax();
      }
      this.a.onChange(next);
    }
    if (next.locked) this.a.onLocked();
  }
}
