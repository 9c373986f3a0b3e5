import { useEffect, useState } from 'react';
import type { SessionPhase, SnapshotPhase } from '../../src-main/contract/api';
import { describeRemaining, formatRemaining } from '../format';

// Screen readers hear the time at these marks only, not every second.
const ANNOUNCE_AT_MINUTES = [30, 10, 5, 1];

/**
 * Counts down while the exam runs; a proctor's pause stops it (the server gives the paused
 * time back at the resume); once it is locked or submitted it stops and says so.
 */
export function CountdownTimer({ deadline, phase, paused = false }: { deadline: number; phase: SnapshotPhase; paused?: boolean }) {
  // Before sign-in there is no exam time yet.
  if (phase === 'sign_in') return null;
  if (phase !== 'active') return <ExamOver phase={phase} />;
  return paused ? <PausedCountdown deadline={deadline} /> : <RunningCountdown deadline={deadline} />;
}

/** The time left when the pause began, held still until the proctor resumes the exam. */
function PausedCountdown({ deadline }: { deadline: number }) {
  const [left] = useState(() => Math.max(0, deadline - Date.now()));
  return (
    <div className="countdown countdown--paused">
      <span className="countdown__label" id="countdown-label">
        Paused
      </span>
      <span className="countdown__value" role="timer" aria-labelledby="countdown-label" aria-describedby="countdown-words">
        {formatRemaining(left)}
      </span>
      <span id="countdown-words" className="visually-hidden">
        {`${describeRemaining(left)}; the clock is stopped while your proctor has paused the exam.`}
      </span>
    </div>
  );
}

function ExamOver({ phase }: { phase: Exclude<SessionPhase, 'active'> }) {
  return (
    <div className="countdown countdown--ended">
      <span className="countdown__label">{phase === 'locked' ? 'Locked' : 'Submitted'}</span>
      <span className="countdown__value" role="status">
        Exam over
      </span>
    </div>
  );
}

function RunningCountdown({ deadline }: { deadline: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);

  const remaining = deadline - now;
  const minutesLeft = Math.ceil(remaining / 60_000);
  const urgency = remaining <= 0 ? 'over' : remaining <= 5 * 60_000 ? 'urgent' : remaining <= 15 * 60_000 ? 'soon' : 'normal';
  // The text stays the same for that whole minute, so the live region speaks once.
  const announce = remaining > 0 && ANNOUNCE_AT_MINUTES.includes(minutesLeft) ? describeRemaining(remaining) : '';

  return (
    <div className={`countdown countdown--${urgency}`}>
      <span className="countdown__label" id="countdown-label">
        Time left
      </span>
      <span className="countdown__value" role="timer" aria-labelledby="countdown-label" aria-describedby="countdown-words">
        {remaining <= 0 ? 'Time is up' : formatRemaining(remaining)}
      </span>
      <span id="countdown-words" className="visually-hidden">
        {remaining <= 0 ? 'Time is up; your answers are being submitted.' : describeRemaining(remaining)}
      </span>
      <span className="visually-hidden" aria-live="polite">
        {announce}
      </span>
    </div>
  );
}
