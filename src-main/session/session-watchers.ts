import type { AuditStore } from '../audit/audit-store';
import type { Policy, RawEvent, RiskState } from '../contract';
import type { DetectionPipeline } from './detection-pipeline';
import { EventSources } from './event-sources';
import { FocusTargetClassifier } from './focus-target';
import { IntegrityWatch } from './integrity-watch';
import type { ExamSessionOptions } from './session-options';
import type { SessionReporter } from './session-reporter';

/**
 * What watches one attempt while its time runs: raw activity into detection, and integrity
 * observations (integrity monitor, power events) into the audit log and the integrity watch. Only the
 * active phase is watched: nothing before the exam starts, nothing after the lock.
 */
export function createSessionWatchers(a: {
  opts: ExamSessionOptions;
  policy: Policy;
  store: AuditStore;
  detection: DetectionPipeline;
  reporter: SessionReporter;
  isActive: () => boolean;
  onRisk: (next: RiskState) => void;
  onChange: () => void;
  acceptedAtStart: () => ReadonlySet<string>;
  toSessionTime: (event: RawEvent) => RawEvent;
}): { integrity: IntegrityWatch; sources: EventSources } {
  const { opts, reporter } = a;
  const integrity = new IntegrityWatch({
    policy: a.policy,
    detection: a.detection,
    store: a.store,
    classifier: new FocusTargetClassifier(a.policy.integrity, opts.isOwnPid ?? ((pid) => pid === process.pid)),
    onRisk: a.onRisk,
    onWarningChange: a.onChange,
    acceptedAtStart: a.acceptedAtStart,
  });
  const sources = new EventSources({
    sources: opts.sources ?? [],
    route: (event) => {
      if (!a.isActive()) return;
      if (event.kind !== 'integrity') {
        a.detection.push(a.toSessionTime(event));
        return;
      }
      const o = event.observation;
      // Two rows, one charge: the observation as the capture saw it is the proctor's evidence;
      // the integrity watch alone turns it into points (once per observation, on the fair ledger).
      try {
        a.detection.recordObservation(o);
      } catch (e) {
        reporter.reportError('recording an integrity observation', e);
      }
      try {
        integrity.observe(o);
      } catch (e) {
        reporter.reportError(`charging an integrity observation (${o.kind})`, e);
      }
    },
    onStartFailure: (what, e) => reporter.reportError(what, e),
    log: (line) => reporter.log(line),
  });
  return { integrity, sources };
}
