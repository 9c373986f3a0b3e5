import type { QuitDecision, StartExamResult, VigilApi, WindowEvent } from '../src-main/contract/api';
import type { SystemCheckReport } from '../src-main/contract/integrity';
import type { Result } from '../src-main/contract/result';
import { AnswerAutosave } from './answer-autosave';
import { startClipboardMonitor } from './clipboard-monitor';
import { startFocusMonitor } from './focus-monitor';
import { useSession } from './session-store';

/** What the components call; it owns every conversation with the engine. */
export interface SessionController {
  changeAnswer(questionId: string, value: string): void;
  /** Save one answer now (blur, a radio choice). */
  commitAnswer(questionId: string): void;
  /** Flush every answer, then submit. Resolves to an error message, or null on success. */
  submit(): Promise<string | null>;
  /** Signs the student in with the exam server. Resolves to an error message, or null on success. */
  signIn(studentId: string, accessCode: string): Promise<string | null>;
  reload(): Promise<void>;
  /** The pre-exam system check again; resolves to the report, or an error message. */
  recheck(): Promise<SystemCheckReport | string>;
  /** Checks once more and starts the exam's time when nothing blocks; an error message if the engine failed. */
  startExam(): Promise<StartExamResult | string>;
  /** The student read the "return to the exam" warning. */
  acknowledgeWarning(id: string): void;
  /** The proctor's quit password; resolves to the engine's decision (may close, or the wait), or an error message. */
  requestQuit(password: string): Promise<QuitDecision | string>;
  stop(): void;
}

export function startSession(api: VigilApi): SessionController {
  const store = useSession.getState;
  const autosave = new AnswerAutosave({
    save: (input) => api.saveAnswer(input),
    onState: (questionId, state) => store().setSaveState(questionId, state),
  });

  const report = (event: WindowEvent): void => {
    void call(() => api.reportWindowEvent(event)).then((r) => {
      if (!r.ok && r.error.code !== 'session_submitted') {
        store().addError(`The exam could not record a window event: ${r.error.message}`);
      }
    });
  };

  const load = async (): Promise<void> => {
    const r = await call(() => api.getSnapshot());
    if (r.ok) store().applySnapshot(r.value);
    else store().setLoadError(r.error.message);
  };

  // The engine holds a lock's submission until the page has saved what is still inside the
  // autosave delay and says so; once per lock, however many locked snapshots arrive.
  let lockFlush: Promise<void> | null = null;
  const unsubscribe = api.onSnapshot((snapshot) => {
    store().applySnapshot(snapshot);
    if (snapshot.phase === 'locked' && !lockFlush) {
      lockFlush = autosave.flushAll().then(async () => {
        await call(() => api.lockFlushed());
      });
    }
  });
  const stopFocus = startFocusMonitor((focused) => report({ kind: 'focus', focused }));
  const stopClipboard = startClipboardMonitor((action, external) => report({ kind: 'clipboard', action, external }));
  // Leaving the page (reload, close) sends whatever is typed without waiting for the debounce.
  // beforeunload as well as pagehide: a bridge call made during pagehide can be dropped with
  // the dying document (Playwright's bindings drop it), one made in beforeunload is delivered.
  const onHide = (): void => void autosave.flushAll();
  window.addEventListener('beforeunload', onHide);
  window.addEventListener('pagehide', onHide);
  void load();

  return {
    changeAnswer(questionId, value) {
      store().setDraft(questionId, value);
      autosave.change(questionId, value);
    },
    commitAnswer(questionId) {
      void autosave.flush(questionId);
    },
    async submit() {
      const allSaved = await autosave.flushAll();
      if (!allSaved) {
        return 'Some answers are not saved yet, so the exam was not submitted. Your text is still in the fields; try again in a moment.';
      }
      const r = await call(() => api.submit({ confirm: true }));
      if (!r.ok) return r.error.message;
      return null;
    },
    async signIn(studentId, accessCode) {
      const r = await call(() => api.signIn({ studentId, accessCode }));
      if (!r.ok) return r.error.message;
      store().applySnapshot(r.value);
      return null;
    },
    reload: load,
    async recheck() {
      const r = await call(() => api.runSystemCheck());
      return r.ok ? r.value : r.error.message;
    },
    async startExam() {
      const r = await call(() => api.startExam());
      return r.ok ? r.value : r.error.message;
    },
    acknowledgeWarning(id) {
      void call(() => api.acknowledgeWarning({ id })).then((r) => {
        if (!r.ok) store().addError(`The warning could not be dismissed: ${r.error.message}`);
      });
    },
    async requestQuit(password) {
      const r = await call(() => api.requestQuit({ password }));
      return r.ok ? r.value : r.error.message;
    },
    stop() {
      unsubscribe();
      stopFocus();
      stopClipboard();
      window.removeEventListener('beforeunload', onHide);
      window.removeEventListener('pagehide', onHide);
      autosave.dispose();
    },
  };
}

/** The API promises values, but a broken bridge can still throw; the student hears about it either way. */
async function call<T>(fn: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await fn();
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return { ok: false, error: { code: 'internal', message: `The exam engine did not answer (${message}).` } };
  }
}
