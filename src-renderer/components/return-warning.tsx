import { useEffect, useRef } from 'react';
import type { ReturnWarning } from '../../src-main/contract/integrity';
import { useController } from './session-context';

/**
 * "Return to the exam": the first violation is shown here before it costs anything. The
 * exam behind is inert until the student says they are back; the message says what was
 * seen and that the next one adds points.
 */
export function ReturnWarningOverlay({ warning }: { warning: ReturnWarning }) {
  const controller = useController();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), [warning.id]);
  return (
    <div className="lock-overlay lock-overlay--warning" role="presentation">
      <div
        className="lock-overlay__dialog lock-overlay__dialog--warning"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="return-heading"
        aria-describedby="return-why"
      >
        <h1 id="return-heading" className="lock-overlay__heading">
          Return to the exam
        </h1>
        <p id="return-why" className="lock-overlay__why">
          {warning.message}
        </p>
        <p className="lock-overlay__kept">Nothing was added to your risk score. Your answers are safe.</p>
        <button ref={button} type="button" className="button button--primary" onClick={() => controller.acknowledgeWarning(warning.id)}>
          Back to the exam
        </button>
      </div>
    </div>
  );
}
