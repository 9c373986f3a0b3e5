export interface AlertItem {
  id: number;
  at: number;
  studentId: string;
  score: number;
  locked: boolean;
  reason: string;
}

/** high_risk_alert as the students get them, newest first, read out politely by screen readers. */
export function AlertFeed({ alerts }: { alerts: AlertItem[] }) {
  return (
    <section className="alerts" aria-labelledby="alerts-heading">
      <h2 id="alerts-heading">Alerts</h2>
      <ol className="alerts__list" aria-live="polite">
        {alerts.length === 0 && <li className="alerts__none">No alerts yet.</li>}
        {alerts.map((a) => (
          <li key={a.id} className={a.locked ? 'alerts__item alerts__item--locked' : 'alerts__item'}>
            <span className="alerts__time">{new Date(a.at).toLocaleTimeString()}</span> <strong>{a.studentId}</strong>: {a.locked ? 'locked at 100' : `${a.score}/100`}
            <span className="alerts__reason">{a.reason}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
