// The Electron main process: lifecycle, the app:// protocol, the exam window and the IPC
// adapter around the ExamSession engine. Everything testable without Electron lives in the
// small modules beside this one; this file only wires them.
// First: V8 flags that must be set before the engine allocates (measured in runtime/heap-tuning.ts).
import '../runtime/heap-tuning';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BrowserWindow, Menu, app, dialog, powerMonitor, screen } from 'electron';
import { loadInstalledConfig } from '../exam/installed-config';
import { managedDir } from '../exam/managed-location';
import { openExamSession } from '../session/open-exam-session';
import type { ExamSession } from '../session/open-exam-session';
import { SignInGate } from '../session/sign-in-gate';
import { createAppLog } from './app-log';
import { BUILT_IN_INSTITUTION_KEY, isProduction } from './build-mode';
import type { AppLog } from './app-log';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { APP_ENTRY_URL, STARTUP_ERROR_URL } from './app-url';
import { runSystemCheck } from '../capture/integrity/system-check';
import { createCaptureSources } from './capture-sources';
import { installLockdown, type Lockdown } from './lockdown';
import { createPowerEvents } from './power-events';
import { installIpcAdapter } from './ipc-adapter';
import { argsOutsideAllowList, debuggingSwitches, flagsRefusedWhenPackaged, parseLaunchFlags } from './launch-flags';
import { openReviewWindow } from './review-window';
import { reviewGateFromPolicy } from '../review/review-gate-rule';
import { renderStartupErrorPage } from './startup-error-page';
import type { StartupError } from './startup-error-page';
import { createWindow, hardenWebContents } from './window-factory';

// Decided by the bundler's constant, not by app.isPackaged alone (build-mode.ts).
const production = isProduction(app.isPackaged);
const flags = parseLaunchFlags(process.argv, process.cwd());
// One profile (and one single-instance lock) per data folder, so a test run or a second
// candidate account never fights an exam already open elsewhere. Must precede 'ready'.
// A production build refuses --data-dir below; until then its log stays where IT looks for it.
const chosenDataDir = flags.ok && !production ? flags.value.dataDir : null;
if (chosenDataDir) app.setPath('userData', path.join(chosenDataDir, 'electron-profile'));
const dataDir = chosenDataDir || path.join(app.getPath('userData'), 'attempts');
const log: AppLog = createAppLog(path.join(dataDir, 'vigil.log'));

registerAppScheme();
app.enableSandbox();

let examWindow: BrowserWindow | null = null;
let session: ExamSession | SignInGate | null = null;
let startupError: StartupError | null = null;
let closing: Promise<void> | null = null;
let lockdown: Lockdown | null = null;

if (!app.requestSingleInstanceLock()) {
  // Another Vigil owns this data folder; it gets focus (below) and we leave quietly.
  log('another Vigil instance is running for this data folder; exiting');
  app.quit();
} else {
  app.on('second-instance', () => {
    if (examWindow && !examWindow.isDestroyed()) {
      if (examWindow.isMinimized()) examWindow.restore();
      examWindow.focus();
    }
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log));
  // After a startup error the only window is the error page; closing it ends with status 1.
  app.on('window-all-closed', () => (startupError ? app.exit(1) : app.quit()));
  app.on('before-quit', (event) => {
    const open = session;
    if (!open) return;
    // Quitting only after submission or with the proctor's password (audited either way).
    if (!closing && lockdown && !lockdown.mayQuit('app_quit')) return event.preventDefault();
    // Close the engine first: it stops capture and closes SQLite cleanly. Answers are
    // already durable (synchronous=FULL); this only avoids a torn shutdown. Quit requests
    // arriving meanwhile wait for the same close.
    event.preventDefault();
    if (closing) return;
    log('quitting: closing the exam session');
    closing = open
      .close()
      .catch((e: unknown) => log(`closing the session failed: ${describe(e)}`))
      .finally(() => {
        session = null;
        app.quit();
      });
  });
  process.on('uncaughtException', (e) => log(`uncaught exception in main: ${e.stack ?? describe(e)}`));
  process.on('unhandledRejection', (e) => log(`unhandled rejection in main: ${describe(e)}`));

  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => showStartupError('Vigil could not start', describe(e)));
}

async function start(): Promise<void> {
  // No menu: no reload, DevTools or close accelerators from the default menu.
  Menu.setApplicationMenu(null);
  const appRoot = app.getAppPath();
  const rendererDir = path.join(appRoot, 'out', 'renderer');
  handleAppProtocol({
    rendererDir,
    startupErrorPage: () => (startupError ? renderStartupErrorPage(startupError) : null),
    log,
  });
  log(`Vigil ${app.getVersion()} (Electron ${process.versions.electron}) starting; data in ${dataDir}`);

  if (!flags.ok) return showStartupError('The command line is not valid', flags.error.message);
  const debugging = debuggingSwitches(process.argv);
  if (production && debugging.length > 0) {
    return showStartupError(
      'Vigil was started with debugging switches',
      `${debugging.join(' ')} would let another program control the exam. Start Vigil without them.`,
    );
  }
  const launch = flags.value;
  const refused = production ? flagsRefusedWhenPackaged(launch) : [];
  if (refused.length > 0) {
    // --native-binding would dlopen() any .node file into this process; the others choose the exam's rules.
    return showStartupError(
      `Vigil was started with ${refused.join(', ')}`,
      `${refused.join(', ')} would let whoever starts the exam change its rules or load outside code; an installed Vigil takes them only from its installation. Start Vigil without them.`,
    );
  }
  const outside = production ? argsOutsideAllowList(process.argv, { platform: process.platform, defaultApp: Boolean(process.defaultApp) }) : [];
  if (outside.length > 0) {
    return showStartupError(
      'Vigil was started with arguments it does not take',
      `${outside.join(' ')}: an installed Vigil takes only --student-id (or --review for a proctor). Start Vigil from its shortcut, or without these arguments.`,
    );
  }
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    return showStartupError('The exam screen is missing', `${rendererDir}/index.html does not exist. Run \`npm run build\`.`);
  }
  if (launch.reviewSource) {
    if (!existsSync(launch.reviewSource)) return showStartupError('Nothing to review', `${launch.reviewSource} does not exist.`);
    // The proctor password of the policy this computer's exams run under (fails closed when installed without one).
    const gate = reviewGateFromPolicy({ production, managedDir: managedDir(process.platform, process.env), appRoot, policyFile: launch.policyFile, builtInPublicKey: BUILT_IN_INSTITUTION_KEY });
    if (!gate.ok) return showStartupError(gate.title, gate.message);
    for (const note of gate.notes) log(note);
    try {
      await openReviewWindow({
        source: launch.reviewSource,
        appRoot,
        ...(launch.nativeBinding ? { nativeBinding: launch.nativeBinding } : {}),
        passwordHash: gate.passwordHash,
        devTools: !production,
        log,
      });
    } catch (e) {
      return showStartupError('The review cannot be opened', describe(e));
    }
    return;
  }
  const config = loadInstalledConfig({
    production,
    managedDir: managedDir(process.platform, process.env),
    appRoot,
    policyFile: launch.policyFile,
    examFile: launch.examFile,
    builtInPublicKey: BUILT_IN_INSTITUTION_KEY,
  });
  if (!config.ok) return showStartupError(config.error.title, config.error.message);
  for (const note of config.value.notes) log(note);
  log(`${production ? 'production' : 'development'} build; Config Key ${config.value.configKey}`);
  const { exam, policy } = config.value;

  const serverUrl = launch.serverUrl ?? policy.serverUrl;
  const common = {
    policy,
    dataDir,
    sources: [...createCaptureSources(log, policy.integrity), createPowerEvents(powerMonitor, screen)],
    systemCheck: () => runSystemCheck(policy.integrity),
    isOwnPid: (pid: number) => pid === process.pid || app.getAppMetrics().some((m) => m.pid === pid),
    onCloseAllowed: () => lockdown?.allowQuit(),
    ...(launch.nativeBinding ? { nativeBinding: launch.nativeBinding } : {}),
    log,
  };
  if (serverUrl) {
    // With an exam server the student signs in first; the server sends the exam (issue 8).
    // Demo (development) builds start offline when the server is unreachable, escrowing K_0 (docs/trust.md);
    // an installed exam insists on the server at sign-in.
    session = new SignInGate({ ...common, exam, serverUrl, appVersion: app.getVersion(), offlineStart: !production });
    log(`exam ${exam.id}: waiting for the student to sign in with ${serverUrl}`);
  } else {
    try {
      // Demo/offline mode: the installed exam, a local K_0, everything queued on this computer.
      session = await openExamSession({ ...common, exam, studentId: launch.studentId ?? 'student' });
    } catch (e) {
      return showStartupError('The exam database cannot be opened', describe(e));
    }
    log(`exam ${exam.id} open for ${launch.studentId ?? 'student'}; no exam server (uploads kept queued locally)`);
  }
  const engine = session;

  examWindow = createWindow('exam', {
    preloadPath: path.join(appRoot, 'out', 'preload', 'preload.cjs'),
    // Exception: DevTools only in development builds (see WindowFactoryOptions.devTools).
    devTools: !production,
    log,
  });
  const window = examWindow;
  installIpcAdapter({
    api: engine,
    examContents: () => (window.isDestroyed() ? null : window.webContents),
    log,
    onRejected: (channel, reason) => engine.recordRejectedCall(channel, reason),
  });
  lockdown = installLockdown({ app, window, engine: () => session, log });
  watchRenderer(window);
  await window.loadURL(APP_ENTRY_URL);
}

/**
 * A crashed renderer is reloaded (the engine in main still holds every answer and the risk
 * state); a renderer that keeps crashing is left for the proctor rather than looped on.
 */
function watchRenderer(window: BrowserWindow): void {
  let reloads = 0;
  window.webContents.on('render-process-gone', (_event, details) => {
    log(`exam page process gone: ${details.reason} (exit code ${details.exitCode})`);
    if (details.reason === 'clean-exit' || window.isDestroyed()) return;
    if (++reloads > 3) return log('exam page crashed more than 3 times; not reloading again');
    void window.loadURL(APP_ENTRY_URL).catch((e: unknown) => log(`reloading the exam page failed: ${describe(e)}`));
  });
  window.on('close', () => log('exam window closed'));
}

/** Logs the problem and shows it in a plain window; the app exits with status 1 when it closes. */
function showStartupError(title: string, message: string): void {
  startupError = { title, message, logFile: log.file };
  log(`cannot start: ${title}: ${message}`);
  try {
    const window = createWindow('startup-error', { preloadPath: '', devTools: false, log });
    window.loadURL(STARTUP_ERROR_URL).catch((e: unknown) => {
      log(`cannot show the startup error window: ${describe(e)}`);
      dialog.showErrorBox(title, message);
      app.exit(1);
    });
  } catch (e) {
    log(`cannot create the startup error window: ${describe(e)}`);
    dialog.showErrorBox(title, message);
    app.exit(1);
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
