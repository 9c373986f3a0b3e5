import { useEffect, useRef, useState } from 'react';
import type { LiveAttemptRow } from '../../src-main/contract/live-view';
import { AlertFeed, type AlertItem } from './alert-feed';
import { AttemptTimelinePanel } from './attempt-timeline-panel';
import { AttemptsTable } from './attempts-table';
import { LiveClient } from './live-client';
import { LoginForm } from './login-form';
import { OrderPanel } from './order-panel';

const MAX_ALERTS = 50;

/** The proctor's live view: log in, pick an exam, watch every attempt and act on one. */
export function LiveApp() {
  const [client, setClient] = useState<LiveClient | null>(null);
  const [examId, setExamId] = useState('');
  const [rows, setRows] = useState<Map<string, LiveAttemptRow>>(new Map());
  const [alerts, setAlerts] = useState<AlertItem[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const alertSeq = useRef(0);

  useEffect(() => () => client?.close(), [client]);

  const put = (row: LiveAttemptRow) => setRows((old) => new Map(old).set(row.sessionId, row));

  async function login(credential: string, exam: string): Promise<string | null> {
    const c = new LiveClient(credential);
    try {
      const snap = await c.snapshot(exam);
      setRows(new Map(snap.attempts.map((a) => [a.sessionId, a])));
    } catch (e) {
      return (e as Error).message;
    }
    setClient(c);
    setExamId(exam);
    setError(null);
    c.watch(exam, {
      risk_update: ({ row, alerted, at }) => {
        put(row);
        if (alerted) {
          const reason = row.reasons[0]?.message ?? 'risk rose';
          setAlerts((old) => [{ id: ++alertSeq.current, at, studentId: row.studentId, score: row.score ?? 0, locked: row.locked, reason }, ...old].slice(0, MAX_ALERTS));
        }
      },
      presence: ({ row }) => put(row),
      order_issued: ({ row }) => put(row),
      error: setError,
      connected: setConnected,
    });
    return null;
  }

  if (!client) return <LoginForm onLogin={login} />;
  const list = [...rows.values()].sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.studentId.localeCompare(b.studentId));
  const chosen = selected ? rows.get(selected) ?? null : null;
  return (
    <div className="live">
      <header className="live__header">
        <h1>Live view: {examId}</h1>
        <p className={connected ? 'live__status live__status--up' : 'live__status'} role="status">
          {connected ? 'Receiving live updates' : 'Not connected: updates paused'}
        </p>
      </header>
      {error && (
        <p className="live__error" role="alert">
          {error}
        </p>
      )}
      <main className="live__main">
        <section className="live__attempts" aria-labelledby="attempts-heading">
          <h2 id="attempts-heading">Attempts ({list.length})</h2>
          <AttemptsTable rows={list} selected={selected} onSelect={setSelected} />
        </section>
        <aside className="live__side">
          {chosen && <OrderPanel row={chosen} client={client} />}
          <AlertFeed alerts={alerts} />
        </aside>
        {chosen && <AttemptTimelinePanel row={chosen} client={client} />}
      </main>
    </div>
  );
}
