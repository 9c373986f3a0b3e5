import { useEffect, useState } from 'react';
import type { SessionSnapshot, VigilApi } from '../../src-main/contract/api';
import { startSession, type SessionController } from '../session-controller';
import { useSession } from '../session-store';
import { ExamView } from './exam-view';
import { LockOverlay } from './lock-overlay';
import { isProctorShortcut, ProctorQuitDialog } from './proctor-quit-dialog';
import { ReturnWarningOverlay } from './return-warning';
import { SystemCheckScreen } from './system-check-screen';
import { SessionContext } from './session-context';
import { SignInScreen } from './sign-in-screen';
import { SubmittedScreen } from './submitted-screen';

export function App({ api }: { api: VigilApi | undefined }) {
  const [controller, setController] = useState<SessionController | null>(null);
  const snapshot = useSession((s) => s.snapshot);
  const loadError = useSession((s) => s.loadError);
  const [proctor, setProctor] = useState(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (isProctorShortcut(e)) setProctor(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (!api) {
      useSession.getState().setLoadError('This page was opened outside Vigil, so there is no exam engine to talk to.');
      return;
    }
    const c = startSession(api);
    setController(c);
    return () => c.stop();
  }, [api]);

  if (loadError && !snapshot) {
    return (
      <main className="center-card" aria-labelledby="load-error-heading">
        <h1 id="load-error-heading">The exam could not be opened</h1>
        <p role="alert">{loadError}</p>
        {controller ? (
          <button type="button" className="button button--primary" onClick={() => void controller.reload()}>
            Try again
          </button>
        ) : null}
        <p className="center-card__hint">If this keeps happening, ask your proctor for help.</p>
      </main>
    );
  }
  if (!snapshot || !controller) {
    return (
      <main className="center-card" aria-busy="true">
        <p role="status">
          <span className="spinner" aria-hidden="true" /> Opening your exam…
        </p>
      </main>
    );
  }
  return (
    <SessionContext.Provider value={controller}>
      {snapshot.phase === 'sign_in' ? (
        <SignInScreen examTitle={snapshot.exam.title} checkFirst={snapshot.checkFirst ?? false} />
      ) : isLocked(snapshot) ? (
        <>
          <ExamView snapshot={snapshot} inert />
          <LockOverlay snapshot={snapshot} />
        </>
      ) : snapshot.phase === 'active' && snapshot.proctorHold ? (
        <>
          <ExamView snapshot={snapshot} inert />
          <LockOverlay snapshot={snapshot} variant="proctor" />
        </>
      ) : snapshot.phase === 'submitted' ? (
        <SubmittedScreen snapshot={snapshot} />
      ) : snapshot.phase === 'checking' ? (
        <SystemCheckScreen snapshot={snapshot} />
      ) : snapshot.returnWarning ? (
        <>
          <ExamView snapshot={snapshot} inert />
          <ReturnWarningOverlay warning={snapshot.returnWarning} />
        </>
      ) : (
        <ExamView snapshot={snapshot} inert={false} />
      )}
      {proctor ? <ProctorQuitDialog onClose={() => setProctor(false)} /> : null}
    </SessionContext.Provider>
  );
}

/** Locked now, or submitted because of the lock: either way the lock overlay explains it. */
const isLocked = (s: SessionSnapshot): boolean =>
  s.phase === 'locked' || (s.phase === 'submitted' && s.submission?.reason === 'risk_limit');
