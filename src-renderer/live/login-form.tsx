import { useState, type FormEvent } from 'react';

/** The proctor credential and the exam to watch; nothing is shown before the server accepts both. */
export function LoginForm({ onLogin }: { onLogin(credential: string, examId: string): Promise<string | null> }) {
  const [credential, setCredential] = useState('');
  const [examId, setExamId] = useState(() => new URLSearchParams(location.search).get('exam') ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(await onLogin(credential.trim(), examId.trim()));
    setBusy(false);
  }

  return (
    <main className="login">
      <h1>Vigil live view</h1>
      <form className="login__form" onSubmit={(e) => void submit(e)}>
        <label htmlFor="credential">Proctor credential</label>
        <input id="credential" type="password" autoComplete="current-password" required value={credential} onChange={(e) => setCredential(e.target.value)} />
        <label htmlFor="exam">Exam id</label>
        <input id="exam" type="text" required value={examId} onChange={(e) => setExamId(e.target.value)} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p className="login__error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
