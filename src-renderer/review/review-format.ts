import type { Delivery, Verification } from '../../src-main/contract/review';

const pad = (n: number): string => String(n).padStart(2, '0');

/** Wall-clock time of day, as the proctor's machine shows it. */
export const clock = (t: number): string => {
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

export const dateTime = (t: number): string => {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(t)}`;
};

/** Time into the exam, "+12:05" (minutes:seconds), or "+1:02:05" past an hour. */
export const elapsed = (t: number, from: number): string => {
  const s = Math.max(0, Math.round((t - from) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `+${h}:${pad(m)}:${pad(s % 60)}` : `+${m}:${pad(s % 60)}`;
};

export const SUBMIT_REASON_TEXT: Record<string, string> = {
  student: 'by the student',
  time_up: 'time up',
  risk_limit: 'locked at risk limit',
};

export const DELIVERY_TEXT: Record<Delivery, string> = {
  delivered: 'Delivered',
  pending: 'Not delivered (queued)',
  rejected: 'Refused by the server',
  not_submitted: 'Not submitted',
};

export function verificationText(v: Verification): string {
  switch (v.state) {
    case 'ok':
      return `Verified: all ${v.rows} audit rows intact`;
    case 'broken':
      return `Broken at row ${v.brokenAtRow}: ${v.reason}`;
    case 'cannot_verify':
      return `Cannot verify: ${v.reason}`;
    case 'pending':
      return 'Checking every row of the hash chain…';
  }
}

export const verificationShort = (v: Verification): string =>
  v.state === 'ok' ? 'OK' : v.state === 'broken' ? `Broken at row ${v.brokenAtRow}` : v.state === 'pending' ? 'Checking…' : 'Cannot verify';

/** One colour per detector and kind, the same in chart, legend, table and report (all ≥ 3:1 on white). */
export const DETECTOR_COLORS: Record<string, string> = {
  biometric_drift: '#8e24aa',
  focus_collapse: '#00838f',
  stress_spike: '#c2185b',
  network_anomaly: '#1565c0',
  resource_exhaustion: '#e65100',
  temporal_inconsistency: '#5d4037',
  classifier: '#455a64',
  integrity: '#b3261e',
  answer: '#2e7d32',
  lock: '#000000',
  submission: '#000000',
  resumed: '#6d4c41',
  error: '#ad1457',
};
export const colorFor = (key: string | undefined): string => DETECTOR_COLORS[key ?? ''] ?? '#37474f';
