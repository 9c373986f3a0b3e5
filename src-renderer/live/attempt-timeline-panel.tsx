import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LiveAttemptRow, LiveTimeline, LiveTimelineLane } from '../../src-main/contract/live-view';
import type { EvidenceRow, TimelineEvent } from '../../src-main/contract/review';
import { EvidenceTable } from '../review/evidence-table';
import { MarkerSlider } from '../review/marker-slider';
import { clock } from '../review/review-format';
import { laneEvents, markerLanes, TimelineChart } from '../review/timeline-chart';
import type { LiveClient } from './live-client';

/** A busy attempt changes every few seconds; the drill-down follows at most this often. */
const REFRESH_MS = 2_000;
/** ...and spaces refreshes so that building it takes at most a tenth of the server's time. */
const BUILD_SHARE = 10;

const LANE_NAMES: Record<LiveTimelineLane['lane'], string> = {
  risk: 'Risk score',
  packages: 'Behavioural probability',
  typing: 'Typing lane',
  flags: 'Flags',
  integrity: 'Integrity findings',
  away: 'Time away',
  answers: 'Answer saves',
  session: 'Lock and submission',
};

/**
 * The drill-down into one attempt: the review's timeline chart and flag table, on what the
 * exam server holds (the server builds the same model the review builds from the student's
 * log). It follows the attempt's live updates: each new row state fetches it again.
 */
export function AttemptTimelinePanel({ row, client }: { row: LiveAttemptRow; client: LiveClient }) {
  const [timeline, setTimeline] = useState<LiveTimeline | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  // A refresh redraws the chart (and its zoom): a proctor studying a stretch can hold it still.
  const [follow, setFollow] = useState(true);
  const [asked, setAsked] = useState(0);
  const lastFetch = useRef(0);
  const interval = useRef(REFRESH_MS);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const session = useRef(row.sessionId);
  session.current = row.sessionId;

  /** One fetch at a time, spaced by `interval`; an answer for an attempt no longer shown is dropped. */
  const schedule = useCallback(() => {
    if (timer.current !== null) return;
    timer.current = setTimeout(
      () => {
        timer.current = null;
        lastFetch.current = Date.now();
        const id = session.current;
        client.timeline(id).then(
          (t) => {
            if (session.current !== id) return;
            interval.current = Math.max(REFRESH_MS, BUILD_SHARE * t.buildMs);
            setTimeline(t);
            setError(null);
          },
          (e: unknown) => session.current === id && setError((e as Error).message),
        );
      },
      Math.max(0, lastFetch.current + interval.current - Date.now()),
    );
  }, [client]);

  // Another attempt: start afresh.
  useEffect(() => {
    setTimeline(null);
    setSelectedId(null);
    lastFetch.current = 0;
    interval.current = REFRESH_MS;
    schedule();
    return () => {
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [row.sessionId, schedule]);
  // `row` is a new object at each live update of this attempt: the cue to refetch, unless held.
  useEffect(() => {
    if (follow) schedule();
  }, [row, follow, schedule]);
  useEffect(() => {
    if (asked > 0) schedule();
  }, [asked, schedule]);

  const detail = timeline?.detail ?? null;
  const lanes = useMemo(() => (detail ? markerLanes(detail) : []), [detail]);
  const markerEvents = useMemo(() => lanes.filter((l) => l.key !== 'answer').flatMap(laneEvents).sort((a, b) => a.at - b.at || a.seq - b.seq), [lanes]);
  const pick = useCallback(
    (e: TimelineEvent) => {
      setSelectedId(e.id);
      const has = detail?.evidence.some((r) => r.eventId === e.id) ?? false;
      setAnnounce(`${e.label} at ${clock(e.at)}${has ? '; its row is selected in the flags table' : ''}`);
    },
    [detail],
  );
  const selectRow = (r: EvidenceRow): void => {
    setSelectedId(r.eventId);
    setAnnounce(`${r.title} at ${clock(r.at)} is marked on the timeline`);
  };
  const limited = timeline?.lanes.filter((l) => l.state !== 'live') ?? [];

  return (
    <section className="drill" aria-labelledby="drill-heading">
      <h2 id="drill-heading">Timeline: {row.studentId}</h2>
      {error && (
        <p className="live__error" role="alert">
          The timeline could not be loaded: {error}
        </p>
      )}
      {!detail ? (
        !error && <p className="drill__loading">Loading the timeline…</p>
      ) : (
        <>
          <p className="drill__note">
            Built by the exam server from what reached it (flag files and the submission from the outbox, risk changes and flags streamed live), with
            the review&apos;s own timeline. The student&apos;s attempt database holds the full record. Updated {clock(timeline!.builtAt)}.
          </p>
          {limited.length > 0 && (
            <ul className="drill__lanes" aria-label="What the server cannot fully show">
              {limited.map((l) => (
                <li key={l.lane}>
                  <strong>
                    {LANE_NAMES[l.lane]} ({l.state === 'partial' ? 'partial' : 'not available live'}):
                  </strong>{' '}
                  {l.note}
                </li>
              ))}
            </ul>
          )}
          <div className="drill__follow">
            <label>
              <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Update as events arrive (each update redraws the
              chart and its zoom)
            </label>
            <button type="button" onClick={() => setAsked((n) => n + 1)}>
              Refresh now
            </button>
          </div>
          <p className="muted legend-note">
            Shaded: away from the exam window. Dashed red line: lock. Black line: submission. Blue line: the selected marker. Click a marker to show its row.
          </p>
          <TimelineChart detail={detail} lanes={lanes} selectedId={selectedId} onPick={pick} packagePoints />
          <MarkerSlider events={markerEvents} from={detail.from} selectedId={selectedId} onMove={pick} />
          <p className="sr-only" aria-live="polite">
            {announce}
          </p>
          <EvidenceTable rows={detail.evidence} from={detail.from} selectedEventId={selectedId} onSelect={selectRow} />
        </>
      )}
    </section>
  );
}
