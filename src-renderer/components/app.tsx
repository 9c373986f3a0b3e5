import { useEffect, useState } from 'react';
import type { VigilApi } from '../../src-main/contract/api';
import { startSession, type SessionController } from '../session-controller';
import { useSession } from '../session-store';
import { ExamView } from './exam-view';
import { LockOverlay } from './lock-overlay';
import { SessionContext } from './session-context';
import { SubmittedScreen } from './submitted-screen';

export function App({ api }: { api: VigilApi | undefined }) {
  const [controller, setController] = useState<SessionController | null>(null);
  const snapshot = useSession((s) => s.snapshot);
  const loadError = useSession((s) => s.loadError);

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
      {snapshot.phase === 'submitted' ? (
        <SubmittedScreen snapshot={snapshot} />
      ) : (
        <>
          <ExamView snapshot={snapshot} inert={snapshot.phase === 'locked'} />
          {snapshot.phase === 'locked' ? <LockOverlay snapshot={snapshot} /> : null}
        </>
      )}
    </SessionContext.Provider>
  );
}
