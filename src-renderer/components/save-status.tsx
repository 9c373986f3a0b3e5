import type { SaveState } from '../save-state';
import { formatClock } from '../format';

export function SaveStatus({ id, state }: { id: string; state: SaveState | undefined }) {
  if (!state || state.kind === 'idle') {
    return <span id={id} className="save-status save-status--idle">Not answered yet</span>;
  }
  switch (state.kind) {
    case 'saving':
      return (
        <span id={id} className="save-status save-status--saving">
          Saving…
        </span>
      );
    case 'saved':
      return (
        <span id={id} className="save-status save-status--saved">
          Saved <span className="save-status__time">at {formatClock(state.at)}</span>
        </span>
      );
    case 'failed':
      return (
        <span id={id} className="save-status save-status--failed" role="alert">
          Not saved: {state.reason}
          {state.retryInMs !== null ? ' — your text is kept and will be saved again shortly.' : ' — your text is kept on screen.'}
        </span>
      );
  }
}
