import type { LiveAttemptRow } from '../../src-main/contract/live-view';

const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function state(r: LiveAttemptRow): string {
  if (r.submitted) return 'Submitted';
  if (r.locked) return 'Locked (risk 100)';
  if (r.lastOrder?.action === 'lock') return 'Locked by proctor';
  if (r.examStartedAt === null) return `At system check (${r.online ? 'online' : 'offline'})`;
  return r.online ? 'Online' : 'Offline';
}

/** The deadline once the exam's time runs; before Start only the latest start is known (the deadline follows from Start). */
function deadline(r: LiveAttemptRow) {
  if (r.examStartedAt !== null || r.submitted) return time(r.deadline);
  return (
    <span className="attempts__not-started">
      Not started: must start by {r.startBy === null ? 'unknown' : time(r.startBy)}
      <span className="attempts__note"> (deadline {time(r.deadline)} at the latest)</span>
    </span>
  );
}

/** Every attempt with its live score and latest reasons; a row's button opens its actions. */
export function AttemptsTable({ rows, selected, onSelect }: { rows: LiveAttemptRow[]; selected: string | null; onSelect(id: string): void }) {
  if (rows.length === 0) return <p className="live__empty">No one has registered for this exam yet.</p>;
  return (
    <table className="attempts">
      <thead>
        <tr>
          <th scope="col">Student</th>
          <th scope="col">State</th>
          <th scope="col">Risk</th>
          <th scope="col">Latest reasons</th>
          <th scope="col">Alerts</th>
          <th scope="col">Deadline</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.sessionId} className={r.sessionId === selected ? 'attempts__row attempts__row--selected' : 'attempts__row'} data-session={r.sessionId}>
            <th scope="row">
              {r.studentId}
              {r.attemptNumber > 1 && <span className="attempts__note"> (attempt {r.attemptNumber})</span>}
            </th>
            <td>{state(r)}</td>
            <td>
              {r.score === null ? (
                <span className="risk risk--none">no data</span>
              ) : (
                <>
                  <span className={`risk risk--${r.level ?? 'clean'}`}>
                    {r.score}/100 <span className="risk__level">{r.level}</span>
                  </span>
                  <span className="risk__source">{r.source === 'app' ? `from the app${r.flags > 0 ? `, ${r.flags} flag${r.flags === 1 ? '' : 's'}` : ''}` : 'from page events'}</span>
                </>
              )}
            </td>
            <td>
              {r.reasons.length === 0 ? (
                <span className="attempts__none">none</span>
              ) : (
                <ul className="reasons">
                  {r.reasons.slice(0, 2).map((reason, i) => (
                    <li key={`${reason.at}-${i}`}>{reason.message}</li>
                  ))}
                </ul>
              )}
            </td>
            <td>{r.alerts}</td>
            <td>{deadline(r)}</td>
            <td>
              <button type="button" className="attempts__open" aria-pressed={r.sessionId === selected} onClick={() => onSelect(r.sessionId)}>
                Details<span className="visually-hidden"> for {r.studentId}</span>
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
