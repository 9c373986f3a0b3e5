import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ReviewAccessState } from '../../src-main/contract/review-access';
import { callAccess } from './review-api';
import { dateTime } from './review-format';
import './proctor-sign-in.css';

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** Seconds left until `retryAt`, read from the clock at each render; re-rendered while the wait runs. */
function useSecondsUntil(retryAt: number | null): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (retryAt === null || retryAt <= Date.now()) return;
    const timer = setInterval(() => {
      setTick((n) => n + 1);
      if (Date.now() >= retryAt) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [retryAt]);
  return retryAt === null ? 0 : Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
}

/**
 * The proctor's sign-in before the review opens at the exam computer. Main checks the
 * password against the policy's proctor password and refuses every review verb until it
 * matches; this page only asks. An error is announced (role=alert) and the field keeps focus.
 */
export function ProctorSignIn({ state, onSignedIn }: { state: ReviewAccessState; onSignedIn(state: ReviewAccessState): void }) {
  const [access, setAccess] = useState(state);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  const wait = useSecondsUntil(access.retryAt);

  useEffect(() => {
    document.title = 'Vigil review: proctor sign-in';
    field.current?.focus();
  }, []);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (busy || wait > 0) return;
    if (password === '') {
      setError('Type the proctor password.');
      field.current?.focus();
      return;
    }
    setBusy(true);
    const r = await callAccess('proctorSignIn', { password });
    if (r.ok && r.value.signedIn) return onSignedIn(r.value);
    // Whatever happened, the count and the wait come from main.
    const fresh = await callAccess('reviewAccess', {});
    if (fresh.ok) setAccess(fresh.value);
    setBusy(false);
    setPassword('');
    setError(r.ok ? 'The review is still locked.' : r.error.message);
    field.current?.focus();
  };

  const failed = access.failedSinceLastSignIn;
  return (
    <main className="sign-in-page">
      <form className="card proctor-sign-in" aria-labelledby="sign-in-heading" onSubmit={(e) => void submit(e)} noValidate>
        <h1 id="sign-in-heading">Proctor sign-in</h1>
        <p className="muted" id="sign-in-why">
          The review of the attempts on this computer opens only with the proctor password, the one that lets a proctor quit an exam.
        </p>
        <label htmlFor="proctor-password" className="notes-label">
          Proctor password
        </label>
        <input
          ref={field}
          id="proctor-password"
          type="password"
          autoComplete="current-password"
          spellCheck={false}
          value={password}
          maxLength={1024}
          aria-invalid={error !== null}
          aria-describedby={error ? 'sign-in-error sign-in-why' : 'sign-in-why'}
          onChange={(e) => setPassword(e.target.value)}
        />
        <div role="alert" id="sign-in-error" className="sign-in-error">
          {error && <p className="banner banner-broken">{error}</p>}
        </div>
        <div className="row">
          <button type="submit" className="primary" disabled={busy || wait > 0}>
            {busy ? 'Checking…' : wait > 0 ? `Sign in (wait ${wait} s)` : 'Sign in'}
          </button>
        </div>
        <p className="muted sign-in-record">
          {failed > 0
            ? `${plural(failed, 'wrong password was', 'wrong passwords were')} tried since the last proctor sign-in${access.lastFailureAt ? ` (the last at ${dateTime(access.lastFailureAt)})` : ''}. `
            : ''}
          Every try is recorded{access.logFile ? ` in ${access.logFile}` : ''}, never the password.
        </p>
      </form>
    </main>
  );
}
