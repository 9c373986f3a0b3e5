import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { SessionSnapshot } from '../../src-main/contract/api';
import type { RiskReason } from '../../src-main/contract/risk';
import { formatClock } from '../format';

/**
 * Covers the exam once the session is locked, and stays after the automatic submission
 * (which follows the lock at once) so the student keeps seeing why. Focus stays inside
 * (the exam behind is `inert`); it says that nothing they wrote is lost. The `proctor`
 * variant is a proctor's pause: nothing is submitted, and it lifts when the proctor resumes.
 */
export function LockOverlay({ snapshot, variant = 'risk' }: { snapshot: SessionSnapshot; variant?: 'risk' | 'proctor' }) {
  const dialog = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
    // Anything that moves focus out (a click on the browser chrome and back, a script)
    // brings it back to the dialog.
    const keepFocus = (event: FocusEvent): void => {
      if (dialog.current && event.target instanceof Node && !dialog.current.contains(event.target)) {
        heading.current?.focus();
      }
    };
    document.addEventListener('focusin', keepFocus);
    return () => document.removeEventListener('focusin', keepFocus);
  }, []);

  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Tab') return;
    const focusable = dialog.current?.querySelectorAll<HTMLElement>('[tabindex], button, a[href]');
    const items = focusable ? [...focusable] : [];
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  const paused = variant === 'proctor';
  return (
    <div className="lock-overlay" role="presentation">
      <div
        ref={dialog}
        className="lock-overlay__dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="lock-heading"
        aria-describedby="lock-why lock-kept"
        onKeyDown={onKeyDown}
      >
        <div className="lock-overlay__icon" aria-hidden="true">
          <svg viewBox="0 0 24 24" width="40" height="40">
            <path
              d="M7 10V7a5 5 0 0 1 10 0v3h1a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h1zm2 0h6V7a3 3 0 0 0-6 0v3z"
              fill="currentColor"
            />
          </svg>
        </div>
        <h1 id="lock-heading" ref={heading} tabIndex={-1} className="lock-overlay__heading">
          {paused ? 'Your proctor has paused the exam' : 'This exam has been locked'}
        </h1>
        {paused ? <PauseText snapshot={snapshot} /> : <RiskLockText snapshot={snapshot} />}
      </div>
    </div>
  );
}

/** Why the risk lock came, and how far the automatic submission has got. */
function RiskLockText({ snapshot }: { snapshot: SessionSnapshot }) {
  const { risk } = snapshot;
  const answered = Object.keys(snapshot.answers).length;
  const receipt = snapshot.submission;
  return (
    <>
      <div id="lock-why" className="lock-overlay__why">
        {/* The engine's warning already names the score and the reasons when it has one. */}
        <p>{risk.warning ?? `The integrity score reached ${Math.round(risk.score)} of 100, the limit set for this exam.`}</p>
        {risk.reasons.length > 0 ? (
          <>
            <p className="lock-overlay__subheading">What was recorded:</p>
            <ul className="lock-overlay__reasons">
              {groupReasons(risk.reasons).map(({ message, count }) => (
                <li key={message}>
                  {message}
                  {count > 1 ? ` (${count} times)` : ''}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
      <p id="lock-kept" className="lock-overlay__kept">
        Your answers are kept ({answered} saved).{' '}
        {receipt
          ? 'They have been submitted; you do not need to do anything.'
          : 'They are being submitted now; you do not need to do anything.'}{' '}
        A proctor will review what was recorded.
      </p>
      {receipt ? (
        <p className="lock-overlay__progress lock-overlay__progress--done" role="status">
          Submitted at {formatClock(receipt.submittedAt)} with {receipt.answerCount}{' '}
          {receipt.answerCount === 1 ? 'answer' : 'answers'}.{' '}
          {receipt.delivered
            ? 'Delivered to the exam server.'
            : 'Queued on this computer; it will be sent as soon as the exam server can be reached. Please leave Vigil open.'}
        </p>
      ) : (
        <p className="lock-overlay__progress" role="status">
          <span className="spinner" aria-hidden="true" /> Submitting your answers…
        </p>
      )}
    </>
  );
}

/** A proctor's pause: their reason, and that nothing was submitted. */
function PauseText({ snapshot }: { snapshot: SessionSnapshot }) {
  const answered = Object.keys(snapshot.answers).length;
  const reason = snapshot.proctorHold?.reason;
  return (
    <>
      <p id="lock-why" className="lock-overlay__why">
        {reason ? `Reason given: ${reason}` : 'Your proctor will tell you why.'}
      </p>
      <p id="lock-kept" className="lock-overlay__kept">
        Your answers are kept ({answered} saved). Nothing has been submitted: the exam goes on where you left it when your
        proctor resumes it. Please stay at your seat.
      </p>
      <p id="lock-time" className="lock-overlay__kept">
        Your exam clock is stopped while the exam is paused: the exam server adds the paused time to your deadline when your
        proctor resumes it.
      </p>
    </>
  );
}

/** The same finding repeated (three pastes) reads once, with how often, in order of first mention. */
function groupReasons(reasons: RiskReason[]): { message: string; count: number }[] {
  const groups = new Map<string, number>();
  for (const r of reasons) groups.set(r.message, (groups.get(r.message) ?? 0) + 1);
  return [...groups].map(([message, count]) => ({ message, count }));
}
