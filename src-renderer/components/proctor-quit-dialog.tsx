import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { QuitDecision } from '../../src-main/contract/api';
import { useController } from './session-context';

/** The proctor's key combination; the shell's shortcut filter lets it through (test/unit/shell/blocked-shortcuts.test.ts). */
export const isProctorShortcut = (e: KeyboardEvent): boolean =>
  e.ctrlKey && e.altKey && e.shiftKey && (e.key === 'L' || e.key === 'l');

/** What the dialog says after a refusal; the wait itself is shown (and counted down) apart. */
function refusalText(d: QuitDecision): string {
  const n = d.wrongPasswords ?? 0;
  const inARow = n > 1 ? ` ${n} wrong passwords in a row.` : '';
  if (d.tooSoon) return `Too soon: that password was not checked.${inARow} The attempt has been recorded.`;
  return `That is not the quit password.${inARow} The attempt has been recorded.`;
}

/**
 * Where the proctor types the quit password (Ctrl+Alt+Shift+L). A match closes Vigil; a
 * wrong one is refused and, like every close attempt, audited by the engine. After a wrong
 * password the engine checks no other one until a wait has passed (it doubles each time, up
 * to five minutes); the dialog counts it down and holds the button until then. The engine
 * decides, not this page: a try during the wait is refused there unchecked.
 */
export function ProctorQuitDialog({ onClose }: { onClose: () => void }) {
  const controller = useController();
  const input = useRef<HTMLInputElement>(null);
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** When (this page's clock) the next password will be checked; null when at once. */
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    if (retryAt === null) return;
    const timer = setInterval(() => {
      const t = Date.now();
      setNow(t);
      if (t >= retryAt) {
        setRetryAt(null);
        input.current?.focus();
      }
    }, 250);
    return () => clearInterval(timer);
  }, [retryAt]);
  const waiting = retryAt !== null && retryAt > now;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!password || waiting) return;
    setBusy(true);
    const r = await controller.requestQuit(password);
    setBusy(false);
    setPassword('');
    if (typeof r === 'string') return setMessage(r);
    if (r.allowed) return setMessage('Vigil is closing.');
    setMessage(refusalText(r));
    const wait = r.retryInMs ?? 0;
    const t = Date.now();
    setNow(t);
    setRetryAt(wait > 0 ? t + wait : null);
  };

  const secondsLeft = waiting ? Math.ceil((retryAt - now) / 1000) : 0;
  return (
    <div className="lock-overlay lock-overlay--warning" role="presentation">
      <div className="lock-overlay__dialog" role="dialog" aria-modal="true" aria-labelledby="proctor-heading">
        <form className="proctor-form" onSubmit={(e) => void submit(e)}>
        <h1 id="proctor-heading" className="lock-overlay__heading">
          Proctor: close Vigil
        </h1>
        <label htmlFor="proctor-password">Quit password</label>
        <input
          ref={input}
          id="proctor-password"
          className="question__input"
          type="password"
          autoComplete="off"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {message ? <p role="alert">{message}</p> : null}
        {waiting ? (
          <p className="proctor-form__wait" role="status">
            Wait {formatSeconds(secondsLeft)} before the next try. Each wrong password doubles the wait (up to 5 minutes).
          </p>
        ) : null}
        <div className="check__buttons">
          <button type="button" className="button button--quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy || waiting || password === ''}>
            {waiting ? `Close Vigil (in ${formatSeconds(secondsLeft)})` : 'Close Vigil'}
          </button>
        </div>
        </form>
      </div>
    </div>
  );
}

function formatSeconds(s: number): string {
  if (s < 90) return `${s} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(s % 60).padStart(2, '0')} s`;
}
