/**
 * What the review page shows besides the data: names for dispositions and detectors, and the
 * page's drawn mark. Kept free of zod (review.ts re-exports all of it), so the review page's
 * bundle does not carry the schema library it never runs.
 */

export const DISPOSITIONS = ['undecided', 'no_issue', 'needs_follow_up', 'misconduct_confirmed'] as const;
export const DISPOSITION_LABELS: Record<(typeof DISPOSITIONS)[number], string> = {
  undecided: 'Not reviewed yet',
  no_issue: 'No issue',
  needs_follow_up: 'Needs follow-up',
  misconduct_confirmed: 'Misconduct confirmed',
};

export const answerLabel = (a: { questionId: readonly string[]; revision: readonly number[]; length: readonly number[] }, i: number): string =>
  `Answer saved: ${a.questionId[i]} (revision ${a.revision[i]}, ${a.length[i]} characters)`;

/** performance.mark the review page sets once a timeline's lanes are on screen (the review bench reads it). */
export const TIMELINE_DRAWN_MARK = 'vigil-review:timeline-drawn';

/** Names a proctor reads for detectors and integrity kinds (legend, table, PDF). */
export const DETECTOR_LABELS: Record<string, string> = {
  biometric_drift: 'Typist changed (biometric drift)',
  focus_collapse: 'Focus collapse',
  stress_spike: 'Stress spike',
  network_anomaly: 'Network anomaly',
  resource_exhaustion: 'Resource exhaustion',
  temporal_inconsistency: 'Inhuman key timing',
  classifier: 'Combined behaviour score',
  focus_lost: 'Left the exam window',
  external_paste: 'Pasted text from outside',
  prohibited_app: 'Prohibited application',
  second_display: 'Second display',
  synthetic_input: 'Synthetic input',
  virtual_machine: 'Virtual machine',
  remote_session: 'Remote session',
  debugger: 'Debugger attached',
};
export const detectorLabel = (code: string): string => DETECTOR_LABELS[code] ?? code.replace(/_/g, ' ');
