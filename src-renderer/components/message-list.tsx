import { useSession } from '../session-store';

/** Notices from the engine (server unreachable, ...) and errors from the student's own actions. */
export function MessageList({ notices }: { notices: string[] }) {
  const errors = useSession((s) => s.errors);
  const dismiss = useSession((s) => s.dismissError);
  if (notices.length === 0 && errors.length === 0) return null;
  return (
    <section className="messages" aria-label="Messages">
      {notices.map((text) => (
        <p key={text} className="message message--notice" role="status">
          <span className="message__tag">Notice</span> {text}
        </p>
      ))}
      {errors.map((e) => (
        <div key={e.id} className="message message--error" role="alert">
          <p>
            <span className="message__tag">Problem</span> {e.text}
          </p>
          <button type="button" className="button button--quiet" onClick={() => dismiss(e.id)}>
            Dismiss
          </button>
        </div>
      ))}
    </section>
  );
}
