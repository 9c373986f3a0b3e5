import { useCallback, useEffect, useMemo, useState } from 'react';
import { detectorLabel, DISPOSITION_LABELS } from '../../src-main/contract/review-labels';
import type { AttemptForPage, EvidenceRow, Verification } from '../../src-main/contract/review';
import { RISK_LEVELS } from '../../src-main/contract/risk-levels';
import { clock, colorFor, dateTime, elapsed } from './review-format';
import { SummaryFacts, VerificationBanner } from './attempt-view';
import { markerLanes, TimelineChart } from './timeline-chart';

interface Group {
  detector: string;
  rows: EvidenceRow[];
  worst: EvidenceRow;
}

const rank = (r: EvidenceRow): number => (r.type === 'integrity' ? 5 : RISK_LEVELS.indexOf(r.level ?? 'clean'));

/**
 * The one-page report for a committee (printed to PDF by Chromium): who, what, whether the
 * log is intact, the timeline, and each detector's evidence summarised by its strongest
 * instance. The full row-by-row evidence is in the CSV/JSONL exports.
 */
export function ReportView({ detail, verification }: { detail: AttemptForPage; verification: Verification }) {
  const lanes = useMemo(() => markerLanes(detail), [detail]);
  const groups = useMemo<Group[]>(() => {
    const by = new Map<string, EvidenceRow[]>();
    for (const r of detail.evidence) by.set(r.detector, [...(by.get(r.detector) ?? []), r]);
    return [...by.entries()]
      .map(([detector, rows]) => ({ detector, rows, worst: rows.reduce((a, b) => (rank(b) > rank(a) ? b : a)) }))
      .sort((a, b) => a.rows[0]!.at - b.rows[0]!.at);
  }, [detail]);
  const [chartDrawn, setChartDrawn] = useState(false);
  const drawn = useCallback(() => setChartDrawn(true), []);
  // Printed only once the chart is drawn and the chain has been walked.
  useEffect(() => {
    if (chartDrawn && verification.state !== 'pending') document.body.dataset.ready = 'true';
  }, [chartDrawn, verification]);
  const s = detail.summary;
  const shown = groups.slice(0, 6);
  // The attempt itself, not the empty rest of the exam's time: a committee reads what happened.
  const end = Math.min(detail.to, Math.max(s.lastRowAt, detail.from + 5 * 60_000) + 30_000);
  const range = useMemo<[number, number]>(() => [detail.from, end], [detail.from, end]);
  return (
    <main className="report" aria-labelledby="report-heading">
      <header className="report-head">
        <h1 id="report-heading">Vigil attempt report: {s.studentId}</h1>
        <p>
          Exam {s.examId}, started {dateTime(s.startedAt)}. Session {s.sessionId}.
        </p>
      </header>
      <VerificationBanner verification={verification} />
      <SummaryFacts detail={detail} />
      <TimelineChart detail={detail} lanes={lanes} selectedId={null} onPick={() => undefined} staticWidth={720} range={range} onDrawn={drawn} />
      <p className="legend-note">
        Shown: {clock(detail.from)} to {clock(end)}
        {end < detail.to ? ` (the exam's time ran to ${clock(detail.deadline)})` : ''}. Top: markers by detector. Middle: session risk score (red) and behavioural probability of each activity package (blue). Bottom: keys per minute (green) and typist-drift
        score (purple). Shaded: away from the exam window; dashed red: lock; black: submission.
      </p>
      <h2>Evidence by detector</h2>
      {groups.length === 0 ? (
        <p>No flags and no integrity findings.</p>
      ) : (
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">Detector</th>
              <th scope="col">Count, first–last</th>
              <th scope="col">Strongest instance</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((g) => (
              <tr key={g.detector}>
                <td>
                  <span className="swatch" style={{ background: colorFor(g.worst.type === 'integrity' ? 'integrity' : g.detector) }} aria-hidden="true" />
                  {detectorLabel(g.detector)}
                </td>
                <td>
                  {g.rows.length} × {elapsed(g.rows[0]!.at, detail.from)}–{elapsed(g.rows[g.rows.length - 1]!.at, detail.from)}
                </td>
                <td>
                  {clock(g.worst.at)}
                  {g.worst.level ? ` (${g.worst.level})` : ''}: {g.worst.explanation}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {groups.length > shown.length && <p>…and {groups.length - shown.length} more detectors: see the flags export.</p>}
      <h2>Proctor's review</h2>
      <p>
        <strong>{DISPOSITION_LABELS[s.review.disposition]}</strong>
        {s.review.updatedAt ? ` (${dateTime(s.review.updatedAt)})` : ''}. {s.review.notes || 'No notes.'}
      </p>
      <footer className="report-foot">
        Generated {dateTime(Date.now())} from {s.file} ({s.rows} audit rows). Times are this computer's local time. The row-by-row evidence is in the flags and timeline
        exports.
      </footer>
    </main>
  );
}
