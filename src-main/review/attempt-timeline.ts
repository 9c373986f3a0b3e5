import type { AuditEntry } from '../audit/audit-store';
import { RiskLevelSchema, type RiskLevel } from '../contract/risk';
import { detectorLabel, type AttemptDetail, type EvidenceRow, type ReadableAttempt, type TimelineEvent } from '../contract/review';
import type { RawAttempt } from './attempt-reader';
import { flagEvidence, integrityEvidence } from './flag-evidence';
import { num, obj, str } from './payload-fields';

const SUBMIT_TEXT: Record<string, string> = {
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
  const { entries } = raw;

  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const p = e.payload;
    switch (e.kind) {
      case 'risk_changed': {
        const to = num(p, 'to');
        if (to !== null) {
          risk.at.push(e.at);
          risk.score.push(to);
        }
        break;
      }
      case 'package_scored': {
        const start = num(p, 'startedAt') ?? e.at;
        const end = num(p, 'endedAt') ?? e.at;
        const level = RiskLevelSchema.safeParse(p.level);
        packages.endedAt.push(end);
        packages.probability.push(num(p, 'probability') ?? 0);
        packages.level.push(level.success ? level.data : 'clean');
        const keys = num(p, 'keystrokeCount') ?? 0;
        packages.keysPerMinute.push(end > start ? Math.round((keys * 60_000) / (end - start)) : 0);
        packages.typistDrift.push(num(obj(p.featureScores), 'keystroke_anomaly'));
        const unfocusedMs = num(p, 'unfocusedMs');
        if (unfocusedMs !== null && unfocusedMs > 0) windows.push({ start, end, unfocusedMs });
        break;
      }
      case 'flag_raised': {
        const level = RiskLevelSchema.safeParse(p.level);
        const detectors = new Set<string>();
        const rows = flagEvidence(e, raw.flagFiles.get(e.seq), (d) => `flag-${e.seq}-${d}`);
        for (const r of rows) detectors.add(r.detector);
        for (const d of detectors) {
          events.push(marker(e, 'flag', `flag-${e.seq}-${d}`, `${detectorLabel(d)} (${level.success ? level.data : '?'})`, d, level.success ? level.data : undefined));
        }
        evidence.push(...rows);
        break;
      }
      case 'integrity_event': {
        const kind = str(p, 'kind') ?? 'unknown';
        const id = `integrity-${e.seq}`;
        const at = num(p, 'at') ?? e.at;
        if (kind === 'focus_lost') focusLost.push(at);
        events.push({ ...marker(e, 'integrity', id, detectorLabel(kind), kind), at });
        evidence.push(integrityEvidence(e, entries[i + 1], id));
        break;
      }
      case 'answer_saved':
        answers.at.push(e.at);
        answers.seq.push(e.seq);
        answers.questionId.push(str(p, 'questionId') ?? '?');
        answers.revision.push(num(p, 'revision') ?? 0);
        answers.length.push(num(p, 'length') ?? 0);
        break;
      case 'session_locked':
        events.push(marker(e, 'lock', `lock-${e.seq}`, `Locked at risk score ${num(p, 'score') ?? '?'}`));
        break;
      case 'submission':
        events.push(marker(e, 'submission', `submission-${e.seq}`, SUBMIT_TEXT[str(p, 'reason') ?? ''] ?? 'Submitted'));
        break;
      case 'session_resumed':
        events.push(marker(e, 'resumed', `resumed-${e.seq}`, 'The exam client restarted and resumed the attempt'));
        break;
      case 'error':
        events.push(marker(e, 'error', `error-${e.seq}`, `Error: ${str(p, 'what') ?? ''} ${str(p, 'message') ?? str(p, 'reason') ?? ''}`.trim()));
        break;
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

function marker(e: AuditEntry, kind: TimelineEvent['kind'], id: string, label: string, detector?: string, level?: RiskLevel): TimelineEvent {
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
