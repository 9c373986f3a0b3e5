import { useMemo, useState } from 'react';
import { DISPOSITION_LABELS } from '../../src-main/contract/review-labels';
import type { AttemptList, AttemptSummary } from '../../src-main/contract/review';
import { dateTime, DELIVERY_TEXT, SUBMIT_REASON_TEXT, verificationShort } from './review-format';

type SortKey = 'student' | 'exam' | 'started' | 'final' | 'peak' | 'flags' | 'integrity' | 'verification' | 'disposition';
const COLUMNS: { key: SortKey | null; label: string }[] = [
  { key: 'student', label: 'Student' },
  { key: 'exam', label: 'Exam' },
  { key: 'started', label: 'Started' },
  { key: null, label: 'Submitted' },
  { key: 'final', label: 'Final score' },
  { key: 'peak', label: 'Peak score' },
  { key: 'flags', label: 'Flags by level' },
  { key: 'integrity', label: 'Integrity findings' },
  { key: 'verification', label: 'Verification' },
  { key: null, label: 'Delivered' },
  { key: 'disposition', label: 'Disposition' },
];

const severity = (a: AttemptSummary): number => (!a.readable ? 3 : a.verification.state === 'broken' ? 2 : a.verification.state === 'cannot_verify' ? 1 : 0);
function sortValue(a: AttemptSummary, key: SortKey): string | number {
  if (key === 'disposition') return a.review.disposition;
  if (key === 'verification') return severity(a);
  if (!a.readable) return key === 'student' ? a.id : -1;
  switch (key) {
    case 'student':
      return a.studentId;
    case 'exam':
      return a.examId;
    case 'started':
      return a.startedAt;
    case 'final':
      return a.finalScore;
    case 'peak':
      return a.peakScore;
    case 'flags':
      return a.flagCount;
    case 'integrity':
      return a.integrityCount;
  }
}

/** One row per attempt database in the folder, sortable and filterable. */
export function AttemptsList({ list, onOpen }: { list: AttemptList; onOpen(id: string): void }) {
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 }>({ key: 'peak', dir: -1 });
  const [text, setText] = useState('');
  const [show, setShow] = useState('all');
  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return list.attempts
      .filter((a) => !needle || (a.readable ? `${a.studentId} ${a.examId} ${a.id}` : `${a.id} ${a.error}`).toLowerCase().includes(needle))
      .filter((a) => {
        switch (show) {
          case 'flagged':
            return a.readable && (a.flagCount > 0 || a.integrityCount > 0);
          case 'problems':
            return !a.readable || a.verification.state !== 'ok';
          case 'undecided':
            return a.review.disposition === 'undecided';
          case 'undelivered':
            return a.readable && a.delivery !== 'delivered';
          default:
            return true;
        }
      })
      .sort((a, b) => {
        const x = sortValue(a, sort.key);
        const y = sortValue(b, sort.key);
        return (x < y ? -1 : x > y ? 1 : a.id.localeCompare(b.id)) * sort.dir;
      });
  }, [list, sort, text, show]);

  return (
    <main className="list" aria-labelledby="list-heading">
      <header className="attempt-head">
        <h1 id="list-heading">Attempts in {list.source}</h1>
        <p className="muted">
          {list.attempts.length} attempt databases; read-only. Notes and dispositions are kept in vigil-review.json beside them.
        </p>
      </header>
      <div className="card filters" role="search" aria-label="Filter attempts">
        <label>
          Search{' '}
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="student, exam or file" />
        </label>
        <label>
          Show{' '}
          <select value={show} onChange={(e) => setShow(e.target.value)}>
            <option value="all">All attempts</option>
            <option value="flagged">With flags or findings</option>
            <option value="problems">Unreadable or failing verification</option>
            <option value="undecided">Not reviewed yet</option>
            <option value="undelivered">Not delivered to the server</option>
          </select>
        </label>
        <p role="status" className="muted">
          Showing {rows.length} of {list.attempts.length}
        </p>
      </div>
      <div className="table-scroll card" tabIndex={0} role="region" aria-label="Attempts table">
        <table className="attempts-table">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.label} scope="col" aria-sort={c.key && sort.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : undefined}>
                  {c.key ? (
                    <button type="button" className="sort" onClick={() => setSort((s) => ({ key: c.key!, dir: s.key === c.key ? (s.dir === 1 ? -1 : 1) : 1 }))}>
                      {c.label}
                      <span aria-hidden="true">{sort.key === c.key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}</span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((a) =>
              a.readable ? (
                <tr key={a.id} className={a.verification.state !== 'ok' ? 'row-problem' : undefined}>
                  <td>
                    <button type="button" className="link" onClick={() => onOpen(a.id)}>
                      {a.studentId}
                    </button>
                  </td>
                  <td>{a.examId}</td>
                  <td>{dateTime(a.startedAt)}</td>
                  <td>{a.submission ? SUBMIT_REASON_TEXT[a.submission.reason] : a.state === 'locked' ? 'locked, not submitted' : 'not submitted (unfinished)'}</td>
                  <td className="num">{a.finalScore}</td>
                  <td className="num">{a.peakScore}</td>
                  <td>{a.flagCount === 0 ? 'none' : (['critical', 'high', 'medium', 'low'] as const).filter((l) => a.flagsByLevel[l] > 0).map((l) => `${a.flagsByLevel[l]} ${l}`).join(', ')}</td>
                  <td>{a.integrityCount === 0 ? 'none' : Object.entries(a.integrityByKind).map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`).join(', ')}</td>
                  <td className={`verify-${a.verification.state}`}>
                    {verificationShort(a.verification)}
                    {a.invalidRows > 0 ? `; ${a.invalidRows} row${a.invalidRows > 1 ? 's' : ''} not fitting the schema` : ''}
                  </td>
                  <td>{DELIVERY_TEXT[a.delivery]}</td>
                  <td>{DISPOSITION_LABELS[a.review.disposition]}</td>
                </tr>
              ) : (
                <tr key={a.id} className="row-unreadable">
                  <td colSpan={COLUMNS.length - 1}>
                    <strong>{a.id}</strong>: {a.error}
                  </td>
                  <td>{DISPOSITION_LABELS[a.review.disposition]}</td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
    </main>
  );
}
