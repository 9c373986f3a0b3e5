import type { AuditStore } from '../audit/audit-store';
import type { Policy, RawEvent, RiskState, Scheduler, SessionPhase } from '../contract';
import { configKey } from '../exam/config-key';
import type { RestoredAttempt } from './attempt-restore';
import { CaptureHeartbeat } from './capture-heartbeat';
import { DetectionPipeline, type DetectionPipelineOptions } from './detection-pipeline';
import type { EventSources } from './event-sources';
import type { IntegrityWatch } from './integrity-watch';
import { SessionLockdown, type SessionLockdownOptions } from './session-lockdown';
import type { ExamSessionOptions } from './session-options';
import { SessionReporter } from './session-reporter';
import { createSessionWatchers } from './session-watchers';
import { SubmissionDelivery } from './submission-delivery';

export interface SessionParts {
  reporter: SessionReporter;
  beats: CaptureHeartbeat;
  lockdown: SessionLockdown;
  detection: DetectionPipeline;
  delivery: SubmissionDelivery;
  integrity: IntegrityWatch;
  sources: EventSources;
}

/** What the parts ask of the session that owns them: its phase, and what to do when something moves. */
export interface SessionHooks {
  phase: () => SessionPhase;
  closed: () => boolean;
  emit: () => void;
  updateRisk: (next: RiskState) => void;
  /** The system check let the exam start: its time runs from `startedAt`. */
  begin: (startedAt: number) => void;
  /** Before exam_started is written: the exam server starts the time (server-attempt-link.ts). */
  startOnServer: SessionLockdownOptions['startOnServer'];
  /** Raw activity on session time (the timekeeper's), before detection sees it. */
  toSessionTime: (event: RawEvent) => RawEvent;
  /** A flag was raised (the live link streams it to the server). */
  onFlag: NonNullable<DetectionPipelineOptions['onFlag']>;
}

/**
 * The parts of one attempt, wired to each other and to the session: the reporter (notices,
 * errors), detection and the fair ledger, delivery of the submission, the lock (check,
 * warning, quit guard), and what watches the attempt while it runs. Builds; starts nothing.
 */
export function createSessionParts(a: {
  opts: ExamSessionOptions;
  store: AuditStore;
  scheduler: Scheduler;
  restored: RestoredAttempt | null;
  policy: Policy;
  sessionId: string;
  /** Session time at opening: detection's windows start here. */
  startAt: number;
  hooks: SessionHooks;
}): SessionParts {
  const { opts, store, scheduler, restored, policy, hooks } = a;
  const reporter = new SessionReporter(store, hooks.emit, opts.log);
  let integrity: IntegrityWatch | null = null;
  const lockdown = new SessionLockdown({
    store,
    reporter,
    policy,
    now: () => scheduler.now(),
    systemCheck: opts.systemCheck,
    restoredWarnings: restored?.startWarnings ?? [],
    integrity: () => integrity!,
    phase: hooks.phase,
    closed: hooks.closed,
    begin: hooks.begin,
    startOnServer: hooks.startOnServer,
    onCloseAllowed: opts.onCloseAllowed,
    emit: hooks.emit,
  });
  const detection = new DetectionPipeline({
    store,
    clock: scheduler,
    policy,
    sessionId: a.sessionId,
    studentId: opts.studentId,
    startAt: a.startAt,
    resumed: restored ? { ledger: restored.ledger, nextSequence: restored.nextSequence } : null,
    onError: (what, e) => reporter.reportError(what, e),
    onFlag: hooks.onFlag,
  });
  const delivery = new SubmissionDelivery({
    store,
    // The server may move between runs (IT's newer policy or the flag); the rules may not.
    serverUrl: opts.serverUrl !== undefined ? opts.serverUrl : opts.policy.serverUrl,
    token: opts.server?.token ?? null,
    scheduler,
    configKey: configKey(opts.policy),
    submitted: restored?.submission ? { receipt: restored.submission, seq: restored.submissionSeq } : null,
    onChange: hooks.emit,
    log: (line) => reporter.log(line),
  });
  const watchers = createSessionWatchers({
    opts,
    policy,
    store,
    detection,
    reporter,
    isActive: () => hooks.phase() === 'active',
    onRisk: hooks.updateRisk,
    onChange: hooks.emit,
    acceptedAtStart: () => lockdown.acceptedAtStart,
    toSessionTime: hooks.toSessionTime,
  });
  integrity = watchers.integrity;
  return { reporter, beats: new CaptureHeartbeat(store), lockdown, detection, delivery, integrity, sources: watchers.sources };
}
