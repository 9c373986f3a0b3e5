import { useEffect, useState, type ReactNode } from 'react';
import type { ReviewAccessState } from '../../src-main/contract/review-access';
import { reviewAccess } from './first-calls';
import { callAccess } from './review-api';
import { dateTime } from './review-format';
import { ProctorSignIn } from './proctor-sign-in';

/**
 * Shows the review only once main says it is open: straight away where no proctor password
 * is asked (a copy on the proctor's computer), after the sign-in otherwise. The signed-in
 * proctor is told how many wrong passwords came before (not on the printed report).
 */
export function AccessGate({ children }: { children: ReactNode }) {
  const [access, setAccess] = useState<ReviewAccessState | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void reviewAccess().then((r) => (r.ok ? setAccess(r.value) : setError(r.error.message)));
  }, []);

  if (error) {
    return (
      <main className="list">
        <h1>Vigil review</h1>
        <p role="alert" className="banner banner-broken">
          {error}
        </p>
      </main>
    );
  }
  if (!access) {
    return (
      <main className="list">
        <h1>Vigil review</h1>
        <p role="status">Opening the review…</p>
      </main>
    );
  }
  if (access.required && !access.signedIn) return <ProctorSignIn state={access} onSignedIn={setAccess} />;
  const printing = location.hash.startsWith('#/report/');
  return (
    <>
      {access.signedIn && !printing && <SignedInNotice access={access} onLocked={setAccess} />}
      {children}
    </>
  );
}

function SignedInNotice({ access, onLocked }: { access: ReviewAccessState; onLocked(state: ReviewAccessState): void }) {
  const n = access.failedSinceLastSignIn;
  const lock = async (): Promise<void> => {
    await callAccess('proctorSignOut', {});
    // Main has locked whatever the reply; its state is what the page shows next.
    const fresh = await callAccess('reviewAccess', {});
    if (fresh.ok) onLocked(fresh.value);
  };
  const since = access.previousSignInAt ? `since the previous proctor sign-in (${dateTime(access.previousSignInAt)})` : 'before this sign-in';
  return (
    <header className="access-notice">
      <div className={`banner ${n > 0 ? 'banner-cannot_verify' : 'banner-ok'}`}>
        <p>
          Signed in as proctor.{' '}
          {n > 0
            ? `${n} wrong ${n === 1 ? 'password was' : 'passwords were'} tried ${since}, the last at ${dateTime(access.lastFailureAt ?? 0)}.`
            : `No wrong password was tried ${since}.`}
          {access.logFile ? ` Every try is recorded in ${access.logFile}.` : ''}
        </p>
        <button type="button" onClick={() => void lock()}>
          Lock the review
        </button>
      </div>
    </header>
  );
}
