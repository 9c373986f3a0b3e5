import { useEffect, useRef, useState } from 'react';
import type { SessionSnapshot } from '../../src-main/contract/api';
import type { SystemCheckFinding } from '../../src-main/contract/integrity';
import { formatClock } from '../format';
import { useController } from './session-context';

/**
 * Before the exam's time starts: what this computer must close or change, a re-check, and
 * the start button. Problems that can be fixed are fixed here, not punished later; the exam
 * starts when nothing blocks, with the policy's warnings on record.
 */
export function SystemCheckScreen({ snapshot }: { snapshot: SessionSnapshot }) {
  const controller = useController();
  const heading = useRef<HTMLHeadingElement>(null);
  const [busy, setBusy] = useState<'check' | 'start' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const report = snapshot.systemCheck;
  useEffect(() => heading.current?.focus(), []);

  const blocking = report?.findings.filter((f) => f.severity === 'block') ?? [];
  const warnings = report?.findings.filter((f) => f.severity === 'warn') ?? [];

  const run = async (what: 'check' | 'start'): Promise<void> => {
    setBusy(what);
    setError(null);
    const r = what === 'check' ? await controller.recheck() : await controller.startExam();
    if (typeof r === 'string') setError(r);
    setBusy(null);
  };

  return (
    <main className="check" aria-labelledby="check-heading">
      <div className="check__card">
        <p className="check__exam">{snapshot.exam.title}</p>
        <h1 id="check-heading" ref={heading} tabIndex={-1} className="check__heading">
          System check before the exam
        </h1>
        <StartWords minutes={snapshot.exam.durationMinutes} startBy={snapshot.startBy ?? null} />
        <div className="check__status" role="status" aria-live="polite">
          {report === null || busy === 'check' ? (
            <p>
              <span className="spinner" aria-hidden="true" /> Checking this computer…
            </p>
          ) : report.ok && warnings.length === 0 ? (
            <p className="check__ok">Everything is ready (checked at {formatClock(report.at)}).</p>
          ) : report.ok ? (
            <p className="check__ok">You can start (checked at {formatClock(report.at)}). Your proctor will see the notes below.</p>
          ) : (
            <p className="check__bad">
              {blocking.length === 1 ? 'One thing needs' : `${blocking.length} things need`} your attention before the exam can
              start (checked at {formatClock(report.at)}).
            </p>
          )}
        </div>
        {blocking.length > 0 ? <FindingList id="check-fix" title="Fix before you start" findings={blocking} tone="block" /> : null}
        {warnings.length > 0 ? <FindingList id="check-notes" title="Noted for your proctor" findings={warnings} tone="warn" /> : null}
        {error ? (
          <p className="check__error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="check__buttons">
          <button type="button" className="button button--quiet" disabled={busy !== null} onClick={() => void run('check')}>
            Check again
          </button>
          <button
            type="button"
            className="button button--primary"
            disabled={busy !== null || report === null || !report.ok}
            aria-describedby={report && !report.ok ? 'check-fix' : undefined}
            onClick={() => void run('start')}
          >
            {busy === 'start' ? 'Starting…' : warnings.length > 0 ? 'Start the exam with these notes' : 'Start the exam'}
          </button>
        </div>
      </div>
    </main>
  );
}

/**
 * When the exam's time starts. Without an exam server it waits for Start however long the
 * check takes; with one, the server starts it at Start and at `startBy` at the latest (the
 * check may hold it back only so long), so the page says that time and, once it has passed,
 * that the time is running.
 */
function StartWords({ minutes, startBy }: { minutes: number; startBy: number | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (startBy === null) return undefined;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [startBy]);
  if (startBy === null) {
    return (
      <p className="check__intro">
        Vigil checks this computer before your time starts. Your {minutes}-minute timer starts only when you press{' '}
        <strong>Start the exam</strong>.
      </p>
    );
  }
  if (now < startBy) {
    return (
      <p className="check__intro">
        Vigil checks this computer before your time starts. Your {minutes}-minute timer starts when you press{' '}
        <strong>Start the exam</strong>, or at {formatClock(startBy)} if you have not started by then: the exam server allows
        only so long for this check.
      </p>
    );
  }
  return (
    <p className="check__intro check__intro--late" role="alert">
      Your {minutes}-minute timer has been running since {formatClock(startBy)}: the time the exam server allows for this check
      is over. Start the exam as soon as you can.
    </p>
  );
}

function FindingList({ id, title, findings, tone }: { id: string; title: string; findings: SystemCheckFinding[]; tone: 'block' | 'warn' }) {
  return (
    <section id={id} className={`check__findings check__findings--${tone}`} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="check__findings-title">
        {title}
      </h2>
      <ul>
        {findings.map((f) => (
          <li key={`${f.kind}:${f.message}`}>{f.message}</li>
        ))}
      </ul>
    </section>
  );
}
