import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { AttemptForPage, AttemptList, Verification } from '../../src-main/contract/review';
import { AccessGate } from './access-gate';
import { AttemptView } from './attempt-view';
import { AttemptsList } from './attempts-list';
import { openAttempt, startFirstCalls } from './first-calls';
import { call } from './review-api';
import { ReportView } from './report-view';
import '../proctor-theme.css';
import './review.css';

type Route = { view: 'list' } | { view: 'attempt' | 'report'; id: string };

function parseRoute(hash: string): Route {
  const m = /^#\/(attempt|report)\/(.+)$/.exec(hash);
  return m ? { view: m[1] as 'attempt' | 'report', id: decodeURIComponent(m[2]!) } : { view: 'list' };
}

function ReviewApp() {
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  const [list, setList] = useState<AttemptList | null>(null);
  const [detail, setDetail] = useState<AttemptForPage | null>(null);
  const [verification, setVerification] = useState<Verification>({ state: 'pending' });
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const onHash = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    setError(null);
    if (route.view === 'list') {
      document.title = 'Vigil review: attempts';
      void call('listAttempts', {}).then((r) => (r.ok ? setList(r.value) : setError(r.error.message)));
    } else {
      setDetail(null);
      setVerification({ state: 'pending' });
      // Drawn first, verified next: the chain walk is the slow part of a long attempt.
      void openAttempt(route.id).then(async (r) => {
        if (!r.ok) return setError(r.error.message);
        setDetail(r.value);
        setVerification(r.value.summary.verification);
        document.title = `Vigil review: ${r.value.summary.studentId}`;
        if (r.value.summary.verification.state !== 'pending') return;
        // After the first frame with the chart: the walk must not hold up the drawing.
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        const v = await call('verifyAttempt', { id: route.id });
        setVerification(v.ok ? v.value : { state: 'cannot_verify', reason: v.error.message });
      });
    }
  }, [route]);

  const open = useCallback((id: string) => {
    location.hash = `#/attempt/${encodeURIComponent(id)}`;
  }, []);

  if (error) {
    return (
      <main className="list">
        <h1>Vigil review</h1>
        <p role="alert" className="banner banner-broken">
          {error}
        </p>
        <button type="button" className="link" onClick={() => (location.hash = '#/')}>
          ← All attempts
        </button>
      </main>
    );
  }
  if (route.view === 'list') return list ? <AttemptsList list={list} onOpen={open} /> : <Loading />;
  if (!detail) return <Loading />;
  return route.view === 'report' ? (
    <ReportView detail={detail} verification={verification} />
  ) : (
    <AttemptView detail={detail} verification={verification} onBack={() => (location.hash = '#/')} />
  );
}

const Loading = () => (
  <main className="list">
    <h1>Vigil review</h1>
    <p role="status">Reading the attempt databases…</p>
  </main>
);

const root = document.getElementById('root');
if (!root) throw new Error('review.html has no #root element');
if (location.hash.startsWith('#/report/')) document.body.classList.add('printing');
const firstRoute = parseRoute(location.hash);
startFirstCalls(firstRoute.view === 'list' ? null : firstRoute.id);
createRoot(root).render(
  <StrictMode>
    <AccessGate>
      <ReviewApp />
    </AccessGate>
  </StrictMode>,
);
