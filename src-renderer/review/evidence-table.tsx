import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { RISK_LEVELS } from '../../src-main/contract/risk-levels';
import { detectorLabel } from '../../src-main/contract/review-labels';
import type { EvidenceRow } from '../../src-main/contract/review';
import { clock, colorFor, elapsed } from './review-format';

/** Rows drawn at a time; thousands of flags are a click away, not a frozen page. */
const PAGE = 300;
const NO_ROWS: EvidenceRow[] = [];

interface Props {
  rows: EvidenceRow[];
  from: number;
  selectedEventId: string | null;
  onSelect(row: EvidenceRow): void;
}

/** Every flag and integrity finding with its explanation and numbers, filterable by detector and level. */
export function EvidenceTable({ rows, from, selectedEventId, onSelect }: Props) {
  const [detector, setDetector] = useState('all');
  const [level, setLevel] = useState('all');
  const detectors = useMemo(() => [...new Set(rows.map((r) => r.detector))].sort(), [rows]);
  const [limit, setLimit] = useState(PAGE);
  const matching = useMemo(
    () => rows.filter((r) => (detector === 'all' || r.detector === detector) && (level === 'all' || r.level === level || (level === 'integrity' && r.type === 'integrity'))),
    [rows, detector, level],
  );
  // The selected row is always drawn, even past the page limit.
  const selectedIndex = matching.findIndex((r) => r.eventId === selectedEventId);
  const shown = useMemo(
    () => (selectedIndex >= limit ? [...matching.slice(0, limit), matching[selectedIndex]!] : matching.slice(0, limit)),
    [matching, selectedIndex, limit],
  );
  // The rows are built once the first frame is out (the timeline above it is what the proctor
  // looks at first; hundreds of rows of numbers held it up), and after each change in the background.
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setPainted(true), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, []);
  const drawn = useDeferredValue(painted ? shown : NO_ROWS, NO_ROWS);
  const selectedRef = useRef<HTMLTableRowElement>(null);
  const scrolledTo = useRef<string | null>(null);

  useEffect(() => {
    if (!selectedEventId || scrolledTo.current === selectedEventId || !selectedRef.current) return;
    scrolledTo.current = selectedEventId;
    selectedRef.current.scrollIntoView({ block: 'nearest' });
  }, [selectedEventId, drawn]);

  // A marker picked while its row is filtered out: show every row again rather than hide the pick.
  useEffect(() => {
    if (selectedEventId && !matching.some((r) => r.eventId === selectedEventId) && rows.some((r) => r.eventId === selectedEventId)) {
      setDetector('all');
      setLevel('all');
    }
  }, [selectedEventId]); // only when the pick changes, not when the filters do

  return (
    <section className="card evidence" aria-labelledby="evidence-heading">
      <div className="section-head">
        <h2 id="evidence-heading">Flags and findings ({matching.length} of {rows.length})</h2>
        <div className="filters">
          <label>
            Detector{' '}
            <select value={detector} onChange={(e) => setDetector(e.target.value)}>
              <option value="all">All detectors</option>
              {detectors.map((d) => (
                <option key={d} value={d}>
                  {detectorLabel(d)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Level{' '}
            <select value={level} onChange={(e) => setLevel(e.target.value)}>
              <option value="all">All levels</option>
              {RISK_LEVELS.filter((l) => l !== 'clean').map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
              <option value="integrity">Integrity findings</option>
            </select>
          </label>
        </div>
      </div>
      {rows.length === 0 ? (
        <p className="empty">No flags and no integrity findings in this attempt.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Flags and findings table">
          <table className="evidence-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Detector</th>
                <th scope="col">Level</th>
                <th scope="col">What was seen</th>
                <th scope="col">Numbers</th>
              </tr>
            </thead>
            <tbody>
              {drawn.map((r) => {
                const isSelected = r.eventId === selectedEventId;
                return (
                  <tr key={r.id} ref={isSelected ? selectedRef : undefined} className={isSelected ? 'selected' : undefined} data-event-id={r.eventId}>
                    <td>
                      <button type="button" className="link" onClick={() => onSelect(r)} aria-label={`Show on the timeline: ${r.title} at ${clock(r.at)}`}>
                        {clock(r.at)}
                      </button>
                      <div className="muted">{elapsed(r.at, from)}</div>
                    </td>
                    <td>
                      <span className="swatch" style={{ background: colorFor(r.type === 'integrity' ? 'integrity' : r.detector) }} aria-hidden="true" />
                      {isSelected && <span className="sr-only">Selected: </span>}
                      {detectorLabel(r.detector)}
                    </td>
                    <td>{r.type === 'integrity' ? 'integrity' : (r.level ?? '')}</td>
                    <td className="explanation">{r.explanation}</td>
                    <td>
                      <dl className="numbers">
                        {r.numbers.map((n) => (
                          <div key={n.label}>
                            <dt>{n.label}</dt>
                            <dd>{n.value}</dd>
                          </div>
                        ))}
                      </dl>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {matching.length > limit && (
            <button type="button" onClick={() => setLimit((l) => l + PAGE)}>
              Show {Math.min(PAGE, matching.length - limit)} more of {matching.length - limit} not shown
            </button>
          )}
        </div>
      )}
    </section>
  );
}
