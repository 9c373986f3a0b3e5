import type { Policy, RiskState, Scheduler } from '../contract';
import type { CaptureHeartbeat } from './capture-heartbeat';
import type { DetectionPipeline } from './detection-pipeline';
import type { ExamTimekeeper } from './exam-timekeeper';
import type { EventSources } from './event-sources';
import type { IntegrityWatch } from './integrity-watch';
import type { SessionReporter } from './session-reporter';

/** How often the learnt baselines are saved; a crash loses at most this much learning. */
const DETECTION_STATE_SAVE_MS = 60_000;

/**
 * What runs while the exam's time runs: the event sources, scoring on the window cadence,
 * saving the learnt baselines, the capture heartbeat (which also charges an absence that
 * has lasted its full time), and the exam's time (the timekeeper's deadline). Each timer is cancelled once, by cancel().
 */
export class ActiveTimers {
  private readonly cancels: Array<() => void> = [];

  constructor(
    private readonly a: {
      scheduler: Scheduler;
      /** The attempt's session and exam time (the deadline, clock jumps). */
      time: () => ExamTimekeeper;
      policy: Policy;
      sources: EventSources;
      detection: DetectionPipeline;
      integrity: IntegrityWatch;
      beats: CaptureHeartbeat;
      reporter: SessionReporter;
      isActive: () => boolean;
      onRisk: (next: RiskState) => void;
    },
  ) {}

  /** The exam's time runs (the timekeeper arms the deadline and calls onTimeUp). */
  begin(): void {
    const { scheduler, policy } = this.a;
    this.a.sources.start();
    this.cancels.push(scheduler.every(policy.windowSeconds * 1000, () => this.scorePending()));
    this.cancels.push(
      scheduler.every(DETECTION_STATE_SAVE_MS, () => {
        this.a.detection.saveState();
        this.a.time().save();
      }),
    );
    this.cancels.push(scheduler.every(policy.integrity.lockdown.heartbeatSeconds * 1000, () => this.heartbeat()));
    this.heartbeat();
    const time = this.a.time();
    time.start();
    this.cancels.push(() => time.stop());
  }

  /** A one-off timer cancelled with the others (a lock's wait for the page, a submission's retry). */
  after(ms: number, f: () => void): void {
    this.cancels.push(this.a.scheduler.after(ms, f));
  }

  cancel(): void {
    for (const cancel of this.cancels.splice(0)) cancel();
  }

  /** Closes the windows that have ended and scores them. */
  private scorePending(): void {
    if (!this.a.isActive()) return;
    // A wall-clock jump is recorded first; one that used up the exam's time ends it here.
    this.a.time().tick();
    if (!this.a.isActive()) return;
    try {
      this.a.detection.scoreUntil(this.a.time().now(), this.a.onRisk);
    } catch (e) {
      this.a.reporter.reportError('scoring activity', e);
    }
  }

  /** Capture is alive: a relaunch after a crash reads this to say how long it was off. */
  private heartbeat(): void {
    if (!this.a.isActive()) return;
    try {
      this.a.integrity.tick(this.a.scheduler.now());
      this.a.beats.beat(this.a.scheduler.now());
    } catch (e) {
      this.a.reporter.reportError('recording the capture heartbeat', e);
    }
  }
}
