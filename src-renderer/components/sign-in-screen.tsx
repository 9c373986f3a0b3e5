import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useController } from './session-context';

/**
 * Before the exam, with an exam server: the student proves who they are with their student
 * id and the exam access code. Each refusal (wrong code, a second attempt, the server out of
 * reach) comes back from the engine as its own plain message, shown as an alert. With a
 * system check (`checkFirst`, the installed app) the exam's time starts at Start, after the
 * check, and the words say so; without one it starts at sign-in.
 */
export function SignInScreen({ examTitle, checkFirst }: { examTitle: string; checkFirst: boolean }) {
  const controller = useController();
  const [studentId, setStudentId] = useState('');
  const [accessCode, setAccessCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (busy) return;
    if (!studentId.trim() || !accessCode.trim()) {
      setError('Enter both your student id and your exam access code.');
      return;
    }
    setBusy(true);
    setError(null);
    void controller.signIn(studentId.trim(), accessCode.trim()).then((problem) => {
      setBusy(false);
      setError(problem);
    });
  };

  return (
    <main className="sign-in" aria-labelledby="sign-in-heading">
      <form className="sign-in__card" onSubmit={onSubmit} noValidate aria-describedby="sign-in-help">
        <h1 id="sign-in-heading" className="sign-in__heading">
          Sign in to your exam
        </h1>
        <p className="sign-in__exam">{examTitle}</p>
        <p id="sign-in-help" className="sign-in__help">
          Enter your student id and the exam access code your proctor gave you.{' '}
          {checkFirst
            ? 'Vigil then checks this computer; your exam time starts only when you press Start the exam after that check.'
            : 'The exam starts, and its time begins, when you sign in.'}
        </p>
        <label className="sign-in__label" htmlFor="sign-in-student">
          Student id
        </label>
        <input
          id="sign-in-student"
          ref={first}
          className="question__input"
          autoComplete="username"
          value={studentId}
          onChange={(e) => setStudentId(e.target.value)}
          disabled={busy}
        />
        <label className="sign-in__label" htmlFor="sign-in-code">
          Exam access code
        </label>
        <input
          id="sign-in-code"
          className="question__input"
          type="password"
          autoComplete="one-time-code"
          value={accessCode}
          onChange={(e) => setAccessCode(e.target.value)}
          disabled={busy}
        />
        {error ? (
          <p className="sign-in__error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button button--primary sign-in__submit" disabled={busy}>
          {busy ? 'Signing in…' : checkFirst ? 'Sign in' : 'Sign in and start the exam'}
        </button>
      </form>
    </main>
  );
}
