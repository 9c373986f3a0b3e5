import { ipcMain } from 'electron';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { EVENT_CHANNELS, VERBS, VERB_NAMES, dispatchVerb, err, parseVerbInput } from '../contract';
import type { VigilApi } from '../contract';
import { refuseSender } from './ipc-validation';
import type { SenderFacts } from './ipc-validation';

export interface IpcAdapterOptions {
  /** The engine; every verb of window.vigil lands here after validation. */
  api: VigilApi;
  /** The exam window's webContents, the only one allowed to call. */
  examContents: () => WebContents | null;
  log: (line: string) => void;
  /** Calls refused before reaching the engine, for the audit log. */
  onRejected?: (channel: string, reason: string) => void;
}

function senderFacts(event: IpcMainInvokeEvent): SenderFacts {
  const frame = event.senderFrame;
  return {
    webContentsId: event.sender.id,
    // A frame without a parent is its page's top frame.
    isMainFrame: frame !== null && frame.parent === null,
    frameUrl: frame?.url ?? null,
  };
}

/**
 * One ipcMain.handle per verb of the verb table, on its channel. Each call is checked for
 * sender (our exam window's main frame on app://vigil, STYLE.md §4) and payload (the verb's
 * zod schema) before the engine sees it; failures come back as `{ok:false}` values. Also
 * pushes every engine snapshot to the exam window. Returns a function that removes it all.
 */
export function installIpcAdapter({ api, examContents, log, onRejected }: IpcAdapterOptions): () => void {
  const channels = VERB_NAMES.map((verb) => VERBS[verb].channel);
  for (const verb of VERB_NAMES) {
    const channel = VERBS[verb].channel;
    ipcMain.handle(channel, async (event, payload: unknown) => {
      const refusal = refuseSender(senderFacts(event), examContents()?.id ?? null);
      if (refusal) {
        // The engine never hears of it; the caller learns nothing beyond "refused".
        log(`ipc: dropped ${channel} from webContents ${event.sender.id}: ${refusal}`);
        onRejected?.(channel, `refused sender: ${refusal}`);
        return err('invalid_input', 'This caller may not use the exam API.');
      }
      const result = await dispatchVerb(api, verb, payload);
      if (!result.ok && result.error.code === 'invalid_input') {
        log(`ipc: rejected ${channel} payload: ${result.error.message}`);
        // Payloads the engine saw, it has audited itself; these it never saw.
        if (!parseVerbInput(verb, payload).ok) onRejected?.(channel, result.error.message);
      } else if (!result.ok && result.error.code === 'internal') {
        log(`ipc: ${channel} failed: ${result.error.message}`);
      }
      return result;
    });
  }
  const unsubscribe = api.onSnapshot((snapshot) => {
    const contents = examContents();
    if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNELS.snapshot, snapshot);
  });
  return () => {
    unsubscribe();
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
