import { stringify } from 'csv-stringify/sync';
import { answerLabel, type AttemptDetail } from '../contract/review';

/** One line of the timeline export: packages, score changes and events on one clock. */
export interface TimelineRecord {
  at: string;
  elapsedSeconds: number;
  kind: string;
  detector: string;
  level: string;
  value: number | null;
  end: string;
  label: string;
  seq: number | null;
}

export interface FlagRecord {
  at: string;
  elapsedSeconds: number;
  type: string;
  detector: string;
  level: string;
  title: string;
  explanation: string;
  numbers: Record<string, string>;
  seq: number;
}

const iso = (t: number): string => new Date(t).toISOString();
const elapsed = (d: AttemptDetail, t: number): number => Math.round((t - d.from) / 100) / 10;

export function timelineRecords(d: AttemptDetail): TimelineRecord[] {
  const out: TimelineRecord[] = [];
  const row = (at: number, r: Omit<TimelineRecord, 'at' | 'elapsedSeconds'>): void => {
    out.push({ at: iso(at), elapsedSeconds: elapsed(d, at), ...r });
  };
  for (let i = 0; i < d.risk.at.length; i++) {
    row(d.risk.at[i]!, { kind: 'risk_score', detector: '', level: '', value: d.risk.score[i]!, end: '', label: 'session risk score', seq: null });
  }
  const p = d.packages;
  for (let i = 0; i < p.endedAt.length; i++) {
    const at = p.endedAt[i]!;
    row(at, { kind: 'package_probability', detector: '', level: p.level[i]!, value: p.probability[i]!, end: '', label: 'behavioural probability', seq: null });
    row(at, { kind: 'keys_per_minute', detector: '', level: '', value: p.keysPerMinute[i]!, end: '', label: 'typing activity', seq: null });
    if (p.typistDrift[i] !== null) {
      row(at, { kind: 'typist_drift', detector: 'biometric_drift', level: '', value: p.typistDrift[i]!, end: '', label: 'keystroke anomaly (typist drift)', seq: null });
    }
  }
  for (let i = 0; i < d.answers.at.length; i++) {
    row(d.answers.at[i]!, { kind: 'answer', detector: '', level: '', value: d.answers.length[i]!, end: '', label: answerLabel(d.answers, i), seq: d.answers.seq[i]! });
  }
  for (const e of d.events) {
    row(e.at, { kind: e.kind, detector: e.detector ?? '', level: e.level ?? '', value: null, end: e.end !== undefined ? iso(e.end) : '', label: e.label, seq: e.seq || null });
  }
  return out.sort((a, b) => a.elapsedSeconds - b.elapsedSeconds);
}

export function flagRecords(d: AttemptDetail): FlagRecord[] {
  return d.evidence.map((r) => ({
    at: iso(r.at),
    elapsedSeconds: elapsed(d, r.at),
    type: r.type,
    detector: r.detector,
    level: r.level ?? '',
    title: r.title,
    explanation: r.explanation,
    numbers: Object.fromEntries(r.numbers.map((n) => [n.label, n.value])),
    seq: r.seq,
  }));
}

/**
 * Spreadsheets run a cell starting with = + - @ as a formula; a flag explanation from an
 * edited database must not. Such text cells get a leading apostrophe (OWASP's advice).
 */
const defuse = (v: unknown): unknown => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

export function toCsv(records: readonly object[]): string {
  const rows = records.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        defuse(typeof v === 'object' && v !== null ? Object.entries(v).map(([a, b]) => `${a}=${String(b)}`).join('; ') : v),
      ]),
    ),
  );
  return stringify(rows, { header: true, columns: records[0] ? Object.keys(records[0]) : [] });
}

export function toJsonl(records: readonly object[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');
}
