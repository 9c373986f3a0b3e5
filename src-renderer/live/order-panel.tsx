import { useState } from 'react';
import type { LiveAttemptRow } from '../../src-main/contract/live-view';
import type { ProctorAction } from '../../src-main/contract/proctor-order';
import type { LiveClient } from './live-client';

/**
 * One attempt: all its current reasons and the proctor's orders, each with a reason. Its
 * timeline is the drill-down below the table (attempt-timeline-panel.tsx).
 */
export function OrderPanel({ row, client }: { row: LiveAttemptRow; client: LiveClient }) {
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState(10);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function order(action: ProctorAction) {
    if (reason.trim() === '') {
      setMessage({ ok: false, text: 'Give a reason: the order and its reason go into both audit logs.' });
      return;
    }
    try {
      await client.order(row.sessionId, action, reason.trim(), minutes);
      setMessage({ ok: true, text: action === 'extend' ? `Extended by ${minutes} min.` : action === 'lock' ? 'Lock ordered.' : 'Unlock ordered.' });
      setReason('');
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  }

  return (
    <section className="order" aria-labelledby="order-heading">
      <h2 id="order-heading">{row.studentId}</h2>
      <p className="order__session">Session {row.sessionId}</p>
      <h3>Reasons</h3>
      {row.reasons.length === 0 ? (
        <p>No reasons recorded.</p>
      ) : (
        <ul className="order__reasons">
          {row.reasons.map((r, i) => (
            <li key={`${r.at}-${i}`}>
              <span className="order__points">+{r.points}</span> {r.message}
            </li>
          ))}
        </ul>
      )}
      {row.lastOrder && (
        <p className="order__last">
          Last order: {row.lastOrder.action} ({row.lastOrder.reason})
        </p>
      )}
      <h3>Orders</h3>
      <label htmlFor="order-reason">Reason (required)</label>
      <input id="order-reason" type="text" value={reason} onChange={(e) => setReason(e.target.value)} />
      <div className="order__buttons">
        <button type="button" onClick={() => void order('lock')} disabled={row.submitted}>
          Lock
        </button>
        <button type="button" onClick={() => void order('unlock')} disabled={row.submitted}>
          Unlock
        </button>
      </div>
      <label htmlFor="order-minutes">Extra minutes</label>
      <div className="order__buttons">
        <input id="order-minutes" type="number" min={1} max={1440} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} />
        <button type="button" onClick={() => void order('extend')} disabled={row.submitted}>
          Extend time
        </button>
      </div>
      {message && (
        <p className={message.ok ? 'order__ok' : 'order__error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
