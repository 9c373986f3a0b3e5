import { useEffect, useRef, useState } from 'react';
import { useController } from './session-context';

/** Submitting takes two deliberate steps; the safe choice has focus in between. */
export function SubmitPanel({ answered, total }: { answered: number; total: number }) {
  const controller = useController();
  const [stage, setStage] = useState<'idle' | 'confirm' | 'submitting'>('idle');
  const [error, setError] = useState<string | null>(null);
  const openButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  useEffect(() => {
    if (stage === 'confirm') cancelButton.current?.focus();
    else if (stage === 'idle' && wasConfirming.current) openButton.current?.focus();
    wasConfirming.current = stage === 'confirm';
  }, [stage]);

  const submit = async (): Promise<void> => {
    setStage('submitting');
    setError(null);
    const problem = await controller.submit();
    // On success the submitted screen replaces this view.
    if (problem !== null) {
      setError(problem);
      setStage('idle');
    }
  };

  const unanswered = total - answered;
  return (
    <section className="submit-panel" aria-labelledby="submit-heading">
      <h2 id="submit-heading" className="visually-hidden">
        Submit the exam
      </h2>
      {error ? (
        <p className="submit-panel__error" role="alert">
          Not submitted: {error}
        </p>
      ) : null}
      {stage === 'idle' ? (
        <button ref={openButton} type="button" className="button button--primary" onClick={() => setStage('confirm')}>
          Submit exam…
        </button>
      ) : (
        <div
          className="submit-panel__confirm"
          role="group"
          aria-labelledby="confirm-text"
          onKeyDown={(e) => {
            if (e.key === 'Escape' && stage === 'confirm') setStage('idle');
          }}
        >
          <p id="confirm-text">
            Submit your exam now? You have answered {answered} of {total} questions
            {unanswered > 0 ? ` (${unanswered} unanswered)` : ''}. You cannot change your answers afterwards.
          </p>
          <div className="submit-panel__buttons">
            <button
              ref={cancelButton}
              type="button"
              className="button"
              disabled={stage === 'submitting'}
              onClick={() => setStage('idle')}
            >
              Keep working
            </button>
            <button
              type="button"
              className="button button--primary"
              disabled={stage === 'submitting'}
              onClick={() => void submit()}
            >
              {stage === 'submitting' ? 'Submitting…' : 'Yes, submit now'}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
