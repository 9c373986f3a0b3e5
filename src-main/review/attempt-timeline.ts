import type { AuditRow, RawAttempt } from './attempt-reader';
import type { RiskLevel } from '../contract/risk';
import { detectorLabel, type AttemptDetail, type EvidenceRow, type ReadableAttempt, type TimelineEvent } from '../contract/review';
import { flagEvidence, integrityEvidence } from './flag-evidence';

const SUBMIT_TEXT: Record<'student' | 'time_up' | 'risk_limit', string> = {
  student: 'Submitted by the student',
  time_up: 'Submitted: time was up',
  risk_limit: 'Submitted after the lock (risk limit)',
};

/** Everything the one-attempt view draws, as columns for the chart and rows for the table. */
export function buildTimeline(raw: RawAttempt, summary: ReadableAttempt): AttemptDetail {
  const deadline = summary.startedAt + summary.durationMinutes * 60_000;
  const risk = { at: [summary.startedAt], score: [0] };
  const packages: AttemptDetail['packages'] = { endedAt: [], probability: [], level: [], keysPerMinute: [], typistDrift: [] };
  const windows: { start: number; end: number; unfocusedMs: number }[] = [];
  const focusLost: number[] = [];
  const events: TimelineEvent[] = [];
  const answers: AttemptDetail['answers'] = { at: [], seq: [], questionId: [], revision: [], length: [] };
  const evidence: EvidenceRow[] = [];
  const { records } = raw;

  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (!r.valid) {
      events.push(marker(r, 'error', `invalid-${r.seq}`, `Row ${r.seq} (${r.kind}) does not fit its schema: ${r.problem}`));
      continue;
    }
    switch (r.kind) {
      case 'risk_changed':
        risk.at.push(r.at);
        risk.score.push(r.payload.to);
        break;
      case 'package_scored': {
        const p = r.payload;
        packages.endedAt.push(p.endedAt);
        packages.probability.push(p.probability);
        packages.level.push(p.level);
        packages.keysPerMinute.push(p.endedAt > p.startedAt ? Math.round((p.keystrokeCount * 60_000) / (p.endedAt - p.startedAt)) : 0);
        packages.typistDrift.push(p.featureScores.keystroke_anomaly ?? null);
        if (p.unfocusedMs !== undefined && p.unfocusedMs > 0) windows.push({ start: p.startedAt, end: p.endedAt, unfocusedMs: p.unfocusedMs });
        break;
      }
      case 'flag_raised': {
        const rows = flagEvidence(r, raw.flagFiles.get(r.seq), (d) => `flag-${r.seq}-${d}`);
        for (const d of new Set(rows.map((x) => x.detector))) {
          events.push(marker(r, 'flag', `flag-${r.seq}-${d}`, `${detectorLabel(d)} (${r.payload.level})`, d, r.payload.level));
        }
        evidence.push(...rows);
        break;
      }
      case 'integrity_event': {
        const { kind, at, evidence: ev } = r.payload;
        const id = `integrity-${r.seq}`;
        // The fair ledger charges a departure when it ends; its evidence says when it began.
        if (kind === 'focus_lost') focusLost.push(typeof ev?.from === 'number' ? ev.from : at);
        events.push({ ...marker(r, 'integrity', id, detectorLabel(kind), kind), at });
        evidence.push(integrityEvidence(r, records[i + 1], id));
        break;
      }
      case 'answer_saved':
        answers.at.push(r.at);
        answers.seq.push(r.seq);
        answers.questionId.push(r.payload.questionId);
        answers.revision.push(r.payload.revision);
        answers.length.push(r.payload.length);
        break;
      case 'session_locked':
        events.push(marker(r, 'lock', `lock-${r.seq}`, `Locked at risk score ${r.payload.score}`));
        break;
      case 'submission':
        events.push(marker(r, 'submission', `submission-${r.seq}`, SUBMIT_TEXT[r.payload.reason]));
        break;
      case 'session_resumed':
        events.push(marker(r, 'resumed', `resumed-${r.seq}`, 'The exam client restarted and resumed the attempt'));
        break;
      case 'error': {
        const p = r.payload;
        const text = 'source' in p ? `upload refused by the server: ${p.error}` : 'call' in p ? `refused call ${p.call}: ${p.reason}` : `${p.what}: ${p.message}`;
        events.push(marker(r, 'error', `error-${r.seq}`, `Error: ${text}`));
        break;
      }
      default:
        break;
    }
  }
  for (const [n, span] of awaySpans(windows, focusLost).entries()) {
    events.push({ id: `away-${n}`, seq: 0, at: span.start, end: span.end, kind: 'away', label: `Away from the exam window for ${Math.round((span.end - span.start) / 1000)} s` });
  }
  events.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return {
    summary,
    from: summary.startedAt,
    to: Math.max(deadline, summary.lastRowAt),
    deadline,
    risk,
    packages,
    answers,
    events,
    evidence,
  };
}

function marker(e: AuditRow, kind: TimelineEvent['kind'], id: string, label: string, detector?: string, level?: RiskLevel): TimelineEvent {
  return { id, seq: e.seq, at: e.at, kind, label, ...(detector ? { detector } : {}), ...(level ? { level } : {}) };
}

/**
 * Time away from the exam window. The audit has the moment focus was lost (integrity row)
 * and, per activity window, how long it was unfocused; the return itself is not logged, so
 * a span is placed from the loss (or the window's start when it carries on from the last
 * window) for the window's unfocused time, and touching spans are merged. Accurate to the
 * activity window; several short absences inside one window read as one.
 */
export function awaySpans(windows: { start: number; end: number; unfocusedMs: number }[], focusLost: number[]): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  let j = 0;
  for (const w of windows) {
    while (j < focusLost.length && focusLost[j]! < w.start) j++;
    const lostInside = j < focusLost.length && focusLost[j]! < w.end ? focusLost[j]! : null;
    const start = lostInside ?? w.start;
    const end = Math.min(w.end, start + w.unfocusedMs);
    const last = spans[spans.length - 1];
    if (last && start - last.end <= 1) last.end = Math.max(last.end, end);
    else spans.push({ start, end });
  }
  return spans;
}
