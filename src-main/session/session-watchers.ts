import type { AuditStore } from '../audit/audit-store';
import type { Policy, RiskState } from '../contract';
import type { DetectionPipeline } from './detection-pipeline';
import { EventSources } from './event-sources';
import { FocusTargetClassifier } from './focus-target';
import { IntegrityWatch } from './integrity-watch';
import type { ExamSessionOptions } from './session-options';
import type { SessionReporter } from './session-reporter';

/**
 * What watches one attempt while its time runs: the raw event sources into detection, and
 * the integrity sources (OS watcher, power events) into the integrity watch. Only the
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
    integritySources: opts.integritySources ?? [],
    route: (event) => {
      if (a.isActive()) a.detection.push(event);
    },
    observe: (o) => {
      if (!a.isActive()) return;
      try {
        integrity.observe(o);
      } catch (e) {
        reporter.reportError(`recording an integrity observation (${o.kind})`, e);
      }
    },
    onStartFailure: (what, e) => reporter.reportError(what, e),
    log: (line) => reporter.log(line),
  });
  return { integrity, sources };
}
