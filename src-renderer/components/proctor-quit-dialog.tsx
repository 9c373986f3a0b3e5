import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useController } from './session-context';

/** The proctor's key combination; the shell's shortcut filter lets it through (test/unit/shell/blocked-shortcuts.test.ts). */
export const isProctorShortcut = (e: KeyboardEvent): boolean =>
  e.ctrlKey && e.altKey && e.shiftKey && (e.key === 'L' || e.key === 'l');

/**
 * Where the proctor types the quit password (Ctrl+Alt+Shift+L). A match closes Vigil; a
 * wrong one is refused and, like every close attempt, audited by the engine.
 */
export function ProctorQuitDialog({ onClose }: { onClose: () => void }) {
  const controller = useController();
  const input = useRef<HTMLInputElement>(null);
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => input.current?.focus(), []);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!password) return;
    setBusy(true);
    const r = await controller.requestQuit(password);
    setBusy(false);
    setPassword('');
    if (r === true) setMessage('Vigil is closing.');
    else setMessage(typeof r === 'string' ? r : 'That is not the quit password. The attempt has been recorded.');
  };

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
        <div className="check__buttons">
          <button type="button" className="button button--quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy || password === ''}>
            Close Vigil
          </button>
        </div>
        </form>
      </div>
    </div>
  );
}
