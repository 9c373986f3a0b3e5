import { APP_HOST, APP_SCHEME } from './app-url';

/**
 * The Electron-free half of the IPC adapter: who may call. (What they may send is each
 * verb's schema, applied by dispatchVerb in contract/.) The adapter (ipc-adapter.ts) copies
 * these facts out of the IpcMainInvokeEvent.
 */
export interface SenderFacts {
  webContentsId: number;
  /** The frame that sent the message is its page's top frame (not an iframe). */
  isMainFrame: boolean;
  /** The sending frame's URL; null when the frame is gone (navigated or destroyed). */
  frameUrl: string | null;
}

/** Why a sender is refused, or null when it is our exam window's own page. */
export function refuseSender(sender: SenderFacts, examWebContentsId: number | null): string | null {
  if (examWebContentsId === null) return 'no exam window is open';
  if (sender.webContentsId !== examWebContentsId) return `unknown webContents ${sender.webContentsId}`;
  if (sender.frameUrl === null) return 'sending frame is gone';
  if (!sender.isMainFrame) return 'message from a sub-frame';
  if (!isAppUrl(sender.frameUrl)) return `foreign origin ${sender.frameUrl}`;
  return null;
}

/**
 * Compares scheme and host: WHATWG `URL.origin` is "null" for schemes it does not know,
 * which would make every app:// page look alike.
 */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}
