import type { App, BrowserWindow } from 'electron';
import type { CloseOutcome } from '../session/quit-guard';
import { blockedShortcut } from './blocked-shortcuts';

export interface Lockdown {
  /** Whether quitting is allowed now (submitted, or the proctor's password); asks and audits otherwise. */
  mayQuit(via: string): boolean;
  /** The proctor's password matched: the next quit goes through. */
  allowQuit(): void;
}

/**
 * The lock that holds around the exam window: the reload, DevTools, close, print and zoom
 * shortcuts are swallowed, and closing the window or quitting the app works only once the
 * exam is submitted or with the proctor's quit password. Every attempt is audited by the
 * engine (close_attempt rows).
 */
export function installLockdown(opts: { app: App; window: BrowserWindow; engine: () => { requestClose(via: string): CloseOutcome | null } | null; log: (line: string) => void }): Lockdown {
  const { app, window, log } = opts;
  let allowed = false;
  const mayQuit = (via: string): boolean => {
    if (allowed) return true;
    const engine = opts.engine();
    if (!engine) return true; // nothing is open (startup error): nothing to protect
    const outcome = engine.requestClose(via);
    if (outcome === null) return true; // not signed in yet: no attempt to protect
    allowed = outcome === 'allowed_submitted' || outcome === 'allowed_password';
    if (!allowed) log(`close refused (${via}): the exam is not submitted`);
    return allowed;
  };

  window.webContents.on('before-input-event', (event, input) => {
    const action = blockedShortcut(input, process.platform);
    if (action === null) return;
    event.preventDefault();
    log(`blocked shortcut: ${action}`);
  });
  window.on('close', (event) => {
    if (!mayQuit('window_close')) event.preventDefault();
  });
  return {
    mayQuit,
    allowQuit() {
      allowed = true;
      app.quit();
    },
  };
}
