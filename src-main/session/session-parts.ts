import type { AuditStore } from '../audit/audit-store';
import { monotonicNow, type Exam, type Policy, type RiskState, type SavedAnswer, type Scheduler, type SessionPhase } from '../contract';
import { ActiveTimers } from './active-timers';
import { AnswerIntake } from './answer-intake';
import { AttemptVerbs } from './attempt-verbs';
import { configKey } from '../exam/config-key';
import type { RestoredAttempt } from './attempt-restore';
import { CaptureHeartbeat } from './capture-heartbeat';
import { DetectionPipeline } from './detection-pipeline';
import type { EventSources } from './event-sources';
import type { ExamTimekeeper } from './exam-timekeeper';
import type { IntegrityWatch } from './integrity-watch';
import { SessionEnding } from './session-ending';
import { SessionLockdown } from './session-lockdown';
import { ServerAttemptLink } from './server-attempt-link';
import type { ExamSessionOptions } from './session-options';
import { SessionReporter } from './session-reporter';
import { SessionRisk } from './session-risk';
import { createSessionWatchers } from './session-watchers';
import { SubmissionDelivery } from './submission-delivery';
import { KeyEscrowLink } from './key-escrow';
import { offlineAttemptRegistered } from './offline-attempt';

export interface SessionParts {
  reporter: SessionReporter;
  /** The exam server's side: its deadline and start, checkpoints, live link, the proctor's pause. */
  server: ServerAttemptLink;
  risk: SessionRisk;
  /** The student's verbs on a running exam (save, window events, submit). */
  verbs: AttemptVerbs;
  timers: ActiveTimers;
  ending: SessionEnding;
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
  /** The system check let the exam start: its time runs from `startedAt`. */
  begin: (startedAt: number) => void;
  /** The attempt's session and exam time (a fresh timekeeper once the check lets the exam start). */
  time: () => ExamTimekeeper;
  /** Leaving 'active' for good, through `locked` to `submitted`. */
  setPhase: (phase: SessionPhase) => void;
  /** The exam's time is up (the server's deadline when registered, else the timekeeper's). */
  timeUp: () => boolean;
  /** A new highest score: the marker beside the file keeps it. */
  saveMarker: () => void;
}

/**
 * The parts of one attempt, wired to each other and to the session: the reporter (notices,
 * errors), detection and the fair ledger, delivery of the submission, the lock (check,
 * warning, quit guard), what watches the attempt while it runs, the running exam's timers
 * and its ending, the risk, the student's verbs, and the exam server's side. Builds; starts
 * nothing.
 */
export function createSessionParts(a: {
  opts: ExamSessionOptions;
  /** The exam the attempt started with (the server's, when registered). */
  exam: Exam;
  store: AuditStore;
  scheduler: Scheduler;
  restored: RestoredAttempt | null;
  policy: Policy;
  sessionId: string;
  /** The attempt's saved answers, by question (the session's map, read by its snapshot). */
  answers: Map<string, SavedAnswer>;
  /** After tampering, the score never drops below this. */
  scoreFloor: number;
  hooks: SessionHooks;
}): SessionParts {
  const { opts, store, scheduler, restored, policy, hooks } = a;
  const reporter = new SessionReporter(store, hooks.emit, opts.log);
  let integrity: IntegrityWatch | null = null;
  let ending: SessionEnding | null = null;
  let risk: SessionRisk | null = null;
  const updateRisk = (next: RiskState): void => risk!.update(next);
  const isActive = () => hooks.phase() === 'active';
  const server = new ServerAttemptLink({
    opts,
    store,
    scheduler,
    sessionId: a.sessionId,
    policy,
    durationMs: a.exam.durationMinutes * 60_000,
    reporter: () => reporter,
    isActive,
    onTimeUp: () => ending!.trySubmit('time_up'),
    emit: hooks.emit,
  });
  const lockdown = new SessionLockdown({
    store,
    reporter,
    policy,
    now: () => scheduler.now(),
    monotonic: () => monotonicNow(scheduler),
    systemCheck: opts.systemCheck,
    restoredWarnings: restored?.startWarnings ?? [],
    restoredQuitFailures: restored?.quitFailures,
    integrity: () => integrity!,
    phase: hooks.phase,
    closed: hooks.closed,
    begin: hooks.begin,
    startOnServer: () => server.startOnServer(),
    onCloseAllowed: opts.onCloseAllowed,
    emit: hooks.emit,
  });
  const detection = new DetectionPipeline({
    store,
    clock: scheduler,
    policy,
    sessionId: a.sessionId,
    studentId: opts.studentId,
    // Activity is windowed on session time: a wall clock set forward makes no burst of windows.
    startAt: hooks.time().now(),
    resumed: restored ? { ledger: restored.ledger, nextSequence: restored.nextSequence } : null,
    onError: (what, e) => reporter.reportError(what, e),
    onFlag: (flag) => server.reportFlag(flag),
  });
  // Not registered: uploads wait for the key escrow, whose answer brings the token (key-escrow.ts).
  const escrow = opts.server ? null : escrowLink(opts, store, a.sessionId, scheduler, (line) => reporter.log(line));
  const delivery = new SubmissionDelivery({
    store,
    // The server may move between runs (IT's newer policy or the flag); the rules may not.
    serverUrl: opts.serverUrl !== undefined ? opts.serverUrl : opts.policy.serverUrl,
    token: escrow ? escrow.currentToken : (opts.server?.token ?? null),
    ...(escrow ? { mayDeliver: escrow.mayDeliver, onDelivered: escrow.delivered } : {}),
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
    isActive,
    onRisk: updateRisk,
    onChange: hooks.emit,
    acceptedAtStart: () => lockdown.acceptedAtStart,
    toSessionTime: (event) => hooks.time().toSessionTime(event),
  });
  integrity = watchers.integrity;
  const beats = new CaptureHeartbeat(store);
  const { sources } = watchers;
  const timers = new ActiveTimers({ scheduler, time: hooks.time, policy, sources, detection, integrity, beats, reporter, isActive, onRisk: updateRisk });
  const answers = () => [...a.answers.values()];
  ending = new SessionEnding({
    store,
    scheduler,
    sessionNow: () => hooks.time().now(),
    exam: a.exam,
    studentId: opts.studentId,
    sessionId: a.sessionId,
    sources,
    timers,
    detection,
    integrity,
    delivery,
    reporter,
    phase: hooks.phase,
    setPhase: hooks.setPhase,
    risk: () => risk!.current,
    answers,
    closed: hooks.closed,
    updateRisk,
    emit: hooks.emit,
  });
  const end = ending;
  risk = new SessionRisk({
    store,
    floor: a.scoreFloor,
    initial: detection.riskAt(hooks.time().now()),
    onChange: (next) => {
      server.reportRisk(next);
      hooks.emit();
    },
    onNewMax: hooks.saveMarker,
    onLocked: () => {
      if (isActive()) end.lock();
    },
  });
  const verbs = new AttemptVerbs({
    store,
    scheduler,
    intake: new AnswerIntake(a.exam, scheduler, (message) => reporter.rejected('saveAnswer', message)),
    answers: a.answers,
    reporter,
    detection,
    integrity,
    delivery,
    ending,
    phase: hooks.phase,
    time: hooks.time,
    timeUp: hooks.timeUp,
    updateRisk,
    emit: hooks.emit,
  });
  return { reporter, server, risk, verbs, timers, ending, beats, lockdown, detection, delivery, integrity, sources };
}

function escrowLink(opts: ExamSessionOptions, store: AuditStore, sessionId: string, scheduler: Scheduler, log: (line: string) => void): KeyEscrowLink {
  const identity = opts.escrowIdentity;
  return new KeyEscrowLink({
    store,
    sessionId,
    log,
    // Signed in offline: a restart resumes the attempt as registered from now on.
    onRegistered: (answer) => {
      if (identity) offlineAttemptRegistered({ dataDir: opts.dataDir, examId: opts.exam.id, studentId: opts.studentId, accessCode: identity.accessCode }, answer, scheduler.now());
    },
  });
}
