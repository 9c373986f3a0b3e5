// The review window's sandboxed preload: `window.vigilReview.invoke(verb, input)` and
// nothing else (no exam verbs, nothing of Electron). Main checks the sender and the input
// of every call against the review verb table.
import { contextBridge, ipcRenderer } from 'electron';
import { REVIEW_CHANNEL } from '../contract/review';

contextBridge.exposeInMainWorld('vigilReview', {
  invoke: (verb: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(REVIEW_CHANNEL, verb, input),
});
