// Zod-free on purpose: the preload imports this at run time, and zod would add ~445 KiB to
// every page start (the preload bundle is under 1 KiB without it). The input schemas, the
// table's other column, are in verb-inputs.ts.
import type { QuitDecision, SessionSnapshot, StartExamResult, SubmissionReceipt } from './api';
import type { SystemCheckReport } from './integrity';
import type { SavedAnswer } from './exam';

/** A result type carried in the table as a type only; the value is an empty object. */
export interface Returns<T> {
  readonly resultType?: T;
}
const returns = <T>(): Returns<T> => ({});

/**
 * The verb table: each verb of `window.vigil`, the IPC channel it travels on and the value
 * it resolves to. The preload bridge, main's IPC dispatch, the Chromium engine bridge and
 * the `VigilApi` type all derive from it and from each verb's input schema in VERB_INPUTS,
 * which the compiler holds to exactly these verbs. A new verb is one row here, its schema
 * there, and its implementation in the engine.
 */
export const VERBS = {
  getSnapshot: { channel: 'vigil:get-snapshot', returns: returns<SessionSnapshot>() },
  saveAnswer: { channel: 'vigil:save-answer', returns: returns<SavedAnswer>() },
  reportWindowEvent: { channel: 'vigil:report-window-event', returns: returns<null>() },
  submit: { channel: 'vigil:submit', returns: returns<SubmissionReceipt>() },
  /** After a lock: the page has saved what it still held; the engine may submit now. */
  lockFlushed: { channel: 'vigil:lock-flushed', returns: returns<null>() },
  /** Before the exam, with an exam server: the student's id and access code register the attempt. */
  signIn: { channel: 'vigil:sign-in', returns: returns<SessionSnapshot>() },
  runSystemCheck: { channel: 'vigil:run-system-check', returns: returns<SystemCheckReport>() },
  startExam: { channel: 'vigil:start-exam', returns: returns<StartExamResult>() },
  acknowledgeWarning: { channel: 'vigil:acknowledge-warning', returns: returns<null>() },
  requestQuit: { channel: 'vigil:request-quit', returns: returns<QuitDecision>() },
} as const;

export type Verb = keyof typeof VERBS;
export type ChannelOf<V extends Verb> = (typeof VERBS)[V]['channel'];
export type VerbResult<V extends Verb> = (typeof VERBS)[V]['returns'] extends Returns<infer T> ? T : never;

export const isVerb = (name: string): name is Verb => Object.hasOwn(VERBS, name);

/** The verbs in table order. */
export const VERB_NAMES: readonly Verb[] = Object.keys(VERBS).filter(isVerb);

/** Main -> renderer pushes. */
export const EVENT_CHANNELS = { snapshot: 'vigil:snapshot' } as const;
