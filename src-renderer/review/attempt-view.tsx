import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { DISPOSITION_LABELS } from '../../src-main/contract/review-labels';
import type { AnswerSeries, AttemptForPage, Verification, EvidenceRow, ExportFormat, ReviewNote, TimelineEvent } from '../../src-main/contract/review';
import { EvidenceTable } from './evidence-table';
import { MarkerSlider } from './marker-slider';
import { call } from './review-api';
import { ReviewForm } from './review-form';
import { clock, dateTime, DELIVERY_TEXT, elapsed, SUBMIT_REASON_TEXT, verificationText } from './review-format';
import { answerEvent, laneEvents, markerLanes, TimelineChart } from './timeline-chart';

const BANNER_TITLE: Record<Verification['state'], string> = {
  ok: 'Audit log verified.',
  broken: 'Audit log tampered or damaged.',
  cannot_verify: 'Audit log cannot be verified.',
  pending: 'Verifying the audit log.',
};

export function VerificationBanner({ verification: v }: { verification: Verification }) {
  return (
    <div className={`banner banner-${v.state}`} role="status">
      <strong>{BANNER_TITLE[v.state]}</strong>{' '}
      {verificationText(v)}
      {v.state === 'broken' && '. Rows from that point on cannot be trusted.'}
    </div>
  );
}

export function SummaryFacts({ detail }: { detail: AttemptForPage }) {
  const s = detail.summary;
  const flags = Object.entries(s.flagsByLevel).filter(([, n]) => n > 0).map(([l, n]) => `${n} ${l}`).join(', ') || 'none';
  const integrity = Object.entries(s.integrityByKind).map(([k, n]) => `${n} × ${k.replace(/_/g, ' ')}`).join(', ') || 'none';
  return (
    <dl className="facts">
      <div><dt>Student</dt><dd>{s.studentId}</dd></div>
      <div><dt>Exam</dt><dd>{s.examId} ({s.durationMinutes} min)</dd></div>
      <div><dt>Started</dt><dd>{dateTime(s.startedAt)}</dd></div>
      <div><dt>Submitted</dt><dd>{s.submission ? `${clock(s.submission.at)} (${elapsed(s.submission.at, s.startedAt)}), ${SUBMIT_REASON_TEXT[s.submission.reason]}` : s.state === 'locked' ? 'Locked, not submitted' : 'Not submitted'}</dd></div>
      <div><dt>Final / peak score</dt><dd>{s.finalScore} / {s.peakScore}</dd></div>
      <div><dt>Flags</dt><dd>{flags}</dd></div>
      <div><dt>Integrity findings</dt><dd>{integrity}</dd></div>
      {s.invalidRows > 0 && <div><dt>Rows not fitting their schema</dt><dd>{s.invalidRows} (see the timeline table)</dd></div>}
      <div><dt>Delivered to the server</dt><dd>{DELIVERY_TEXT[s.delivery]}</dd></div>
      <div><dt>Disposition</dt><dd>{DISPOSITION_LABELS[s.review.disposition]}</dd></div>
    </dl>
  );
}

const EXPORTS: { format: ExportFormat; label: string }[] = [
  { format: 'report.pdf', label: 'PDF report' },
  { format: 'flags.csv', label: 'Flags CSV' },
  { format: 'flags.jsonl', label: 'Flags JSONL' },
  { format: 'timeline.csv', label: 'Timeline CSV' },
  { format: 'timeline.jsonl', label: 'Timeline JSONL' },
];

export function AttemptView({ detail, verification, onBack }: { detail: AttemptForPage; verification: Verification; onBack(): void }) {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const [exportStatus, setExportStatus] = useState('');
  const [note, setNote] = useState<ReviewNote>(detail.summary.review);
  // Built only when opened: a three-hour attempt has tens of thousands of events, and the
  // answer saves' columns are fetched then (answerSaves).
  const [tableOpen, setTableOpen] = useState(false);
  const [answers, setAnswers] = useState<AnswerSeries | null>(null);
  const [answersError, setAnswersError] = useState<string | null>(null);
  const answersRef = useRef<AnswerSeries | null>(null);
  answersRef.current = answers;
  useEffect(() => {
    if (!tableOpen || answers) return;
    let current = true;
    void call('answerSaves', { id: detail.summary.id }).then((r) => {
      if (!current) return;
      if (r.ok) setAnswers(r.value);
      else setAnswersError(r.error.message);
    });
    return () => {
      current = false;
    };
  }, [tableOpen, answers, detail]);
  const lanes = useMemo(() => markerLanes(detail, answersRef), [detail]);
  // The keyboard path steps through flags, findings, lock and submission; answer saves (thousands in a long exam) are in the table.
  const markerEvents = useMemo(
    () => lanes.filter((l) => l.key !== 'answer').flatMap(laneEvents).sort((a, b) => a.at - b.at || a.seq - b.seq),
    [lanes],
  );
  const allEvents = useMemo(
    () => (tableOpen && answers ? [...detail.events, ...answers.at.map((_, i) => answerEvent(answers, i))].sort((a, b) => a.at - b.at || a.seq - b.seq) : []),
    [tableOpen, detail, answers],
  );
  const s = detail.summary;

  const pick = useCallback(
    (e: TimelineEvent) => {
      setSelectedId(e.id);
      const has = detail.evidence.some((r) => r.eventId === e.id);
      setAnnounce(`${e.label} at ${clock(e.at)}${has ? '; its row is selected in the flags table' : ''}`);
    },
    [detail],
  );
  const selectRow = (r: EvidenceRow): void => {
    setSelectedId(r.eventId);
    setAnnounce(`${r.title} at ${clock(r.at)} is marked on the timeline`);
  };
  const doExport = async (format: ExportFormat): Promise<void> => {
    setExportStatus(`Exporting ${format}…`);
    const r = await call('exportAttempt', { id: s.id, format });
    setExportStatus(r.ok ? `Saved ${r.value.file}` : `Export failed: ${r.error.message}`);
  };

  return (
    <main className="attempt" aria-labelledby="attempt-heading">
      <nav aria-label="Review">
        <button type="button" className="link" onClick={onBack}>
          ← All attempts
        </button>
      </nav>
      <VerificationBanner verification={verification} />
      <header className="attempt-head">
        <h1 id="attempt-heading">
          {s.studentId} — {s.examId}
        </h1>
        <p className="muted">{s.file}</p>
      </header>
      <section className="card" aria-label="Attempt summary">
        <SummaryFacts detail={{ ...detail, summary: { ...s, review: note } }} />
      </section>
      <section className="card" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <p className="muted legend-note">
          Shaded: away from the exam window. Dashed red line: lock. Black line: submission. Blue line: the selected marker. Click a marker to show its row.
        </p>
        <TimelineChart detail={detail} lanes={lanes} selectedId={selectedId} onPick={pick} />
        <MarkerSlider events={markerEvents} from={detail.from} selectedId={selectedId} onMove={pick} />
        <p className="sr-only" aria-live="polite">
          {announce}
        </p>
        <details className="data-table" onToggle={(e) => setTableOpen(e.currentTarget.open)}>
          <summary>The timeline as a table ({detail.events.length + detail.answers.at.length} events)</summary>
          {tableOpen && !answers && (
            <p role="status" className="muted">
              {answersError ? `The answer saves could not be read: ${answersError}` : 'Reading the answer saves…'}
            </p>
          )}
          {tableOpen && answers && (
            <div className="table-scroll" tabIndex={0} role="region" aria-label="Timeline events table">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Into the exam</th>
                    <th scope="col">Event</th>
                  </tr>
                </thead>
                <tbody>
                  {allEvents.map((e) => (
                    <tr key={e.id}>
                      <td>{clock(e.at)}</td>
                      <td>{elapsed(e.at, detail.from)}</td>
                      <td>{e.label}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </details>
      </section>
      <EvidenceTable rows={detail.evidence} from={detail.from} selectedEventId={selectedId} onSelect={selectRow} />
      <ReviewForm id={s.id} note={note} onSaved={setNote} />
      <section className="card" aria-labelledby="export-heading">
        <h2 id="export-heading">Export</h2>
        <div className="row">
          {EXPORTS.map((x) => (
            <button key={x.format} type="button" onClick={() => void doExport(x.format)}>
              {x.label}
            </button>
          ))}
        </div>
        <p role="status" className="muted">
          {exportStatus}
        </p>
      </section>
    </main>
  );
}
