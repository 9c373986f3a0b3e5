import { BrowserWindow } from 'electron';
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

/**
 * The one place windows are made (STYLE.md §6). Every window gets the same locked-down
 * webPreferences; the exam window adds the lockdown chrome. Any exception to a secure
 * default is written next to it with its reason.
 */
export type WindowRole = 'exam' | 'review' | 'startup-error';

export interface WindowFactoryOptions {
  /** Absolute path of the window's preload (out/preload/preload.cjs, or review-preload.cjs for review). */
  preloadPath: string;
  /**
   * Exception: DevTools are allowed in unpackaged runs (`npm start`) for UI work.
   * Packaged builds pass false, and then no shortcut or menu can open them.
   */
  devTools: boolean;
  log: (line: string) => void;
}

export function createWindow(role: WindowRole, options: WindowFactoryOptions): BrowserWindow {
  const exam = role === 'exam';
  const lockdown: BrowserWindowConstructorOptions = exam
    ? {
        kiosk: true,
        fullscreen: true,
        alwaysOnTop: true,
        skipTaskbar: true,
        minimizable: false,
        maximizable: false,
        resizable: false,
        movable: false,
        // Exception: closable stays true. Closing is how a student leaves a broken machine;
        // the attempt is in SQLite and resumes, and quitting is logged by main.ts.
        closable: true,
      }
    : role === 'review'
      ? { width: 1400, height: 950, center: true, title: 'Vigil review' }
      : { width: 720, height: 480, center: true, title: 'Vigil cannot start the exam' };
  const window = new BrowserWindow({
    ...lockdown,
    show: false,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // A spell checker is a writing aid the exam did not grant, and it talks to a
      // dictionary service.
      spellcheck: false,
      devTools: options.devTools,
      // Exception: the startup-error page is static HTML and gets no preload at all.
      ...(role !== 'startup-error' ? { preload: options.preloadPath } : {}),
    },
  });
  if (exam) {
    window.setAlwaysOnTop(true, 'screen-saver');
    // Keeps screen recorders and screenshot tools from capturing the exam. Windows and
    // macOS only: Linux has no such window flag (the typings mark it darwin,win32).
    if (process.platform === 'win32' || process.platform === 'darwin') window.setContentProtection(true);
  }
  window.once('ready-to-show', () => window.show());
  hardenWebContents(window.webContents, options.log);
  return window;
}

/**
 * Navigation, new windows and <webview> are refused for every webContents; main.ts also
 * applies this to any webContents the app creates ('web-contents-created'), so a window
 * made outside this factory is no weaker. The page is a single-page app: it never needs to
 * navigate, and main's loadURL does not go through these events.
 */
const hardenedContents = new WeakSet<WebContents>();

export function hardenWebContents(contents: WebContents, log: (line: string) => void): void {
  // The factory and 'web-contents-created' both call this for our windows; once is enough.
  if (hardenedContents.has(contents)) return;
  hardenedContents.add(contents);
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    log(`window: blocked navigation to ${event.url}`);
  });
  contents.on('will-frame-navigate', (event) => {
    event.preventDefault();
    log(`window: blocked frame navigation to ${event.url}`);
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
    log(`window: blocked redirect to ${event.url}`);
  });
  contents.setWindowOpenHandler(({ url }) => {
    log(`window: denied window.open(${url})`);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('window: blocked a <webview>');
  });
  denyAllPermissions(contents.session, log);
}

const hardenedSessions = new WeakSet<Session>();

/**
 * No camera, microphone, notifications, geolocation, clipboard-read, HID, serial, USB,
 * fullscreen requests from the page...: the exam needs none (main sets kiosk itself).
 */
export function denyAllPermissions(session: Session, log: (line: string) => void): void {
  if (hardenedSessions.has(session)) return;
  hardenedSessions.add(session);
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log(`window: denied permission request "${permission}"`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
