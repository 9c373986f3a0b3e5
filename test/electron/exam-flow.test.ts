// The exam flow through the real Electron app: the built out/ bundle, the app:// protocol,
// the sandboxed preload, the validated IPC adapter, SQLite built for Electron's ABI, and
// the reference exam server. Driven by Playwright's _electron.
//
// It needs an Electron binary (ELECTRON_OVERRIDE_DIST_PATH, or node_modules/electron/dist
// after a normal install) and, on Linux, an X display. Without them it says so and is
// reported as skipped; nothing here is simulated.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron } from 'playwright-core';
import type { ElectronApplication, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashQuitPassword } from '../../src-main/exam/quit-password';
import { startExamServer } from '../../src-server/exam-server';
import type { ExamServer } from '../../src-server/exam-server';
import { startServerWithDemoExam } from '../exam-server-fixture';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The Electron executable, found the way node_modules/electron/index.js finds it (without downloading). */
function findElectron(): { path: string } | { missing: string } {
  const exe =
    process.platform === 'darwin'
      ? 'Electron.app/Contents/MacOS/Electron'
      : process.platform === 'win32'
        ? 'electron.exe'
        : 'electron';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const p = path.join(override, exe);
    return existsSync(p) ? { path: p } : { missing: `ELECTRON_OVERRIDE_DIST_PATH=${override} has no ${exe}` };
  }
  const dist = path.join(root, 'node_modules', 'electron', 'dist');
  const p = path.join(dist, exe);
  return existsSync(p)
    ? { path: p }
    : { missing: `${path.relative(root, dist)} is absent and ELECTRON_OVERRIDE_DIST_PATH is unset` };
}

const electron = findElectron();
const skipReason =
  'missing' in electron
    ? `no Electron binary (${electron.missing})`
    : process.platform === 'linux' && !process.env.DISPLAY
      ? 'no X display (DISPLAY is unset; run under xvfb-run)'
      : null;
if (skipReason) console.log(`skipped: ${skipReason}`);

const shortText = 'The net force on a body equals its mass times its acceleration.';
const essayText = 'The station and everyone in it are in free fall together, so nothing presses them to the floor.';

// Each test launches Electron (once or twice) and waits on autosave and upload: minutes, not seconds.
describe.skipIf(skipReason !== null)('the exam in the Electron app', { timeout: 180_000 }, () => {
  let server: ExamServer;
  let nativeBinding: string;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-electron-'));
  const studentId = 'electron-flow';
  let accessCode = '';
  let app: ElectronApplication | null = null;
  // The proctor's password opens the lock; the checks only warn, so the exam starts on any test machine.
  const QUIT_PASSWORD = 'electron-proctor-key';
  const policyFile = path.join(dataDir, 'policy.json');
  writeFileSync(
    policyFile,
    JSON.stringify({
      schemaVersion: 1,
      integrity: {
        checks: Object.fromEntries(
          ['prohibited_app', 'second_display', 'mirrored_display', 'virtual_machine', 'remote_session', 'debugger', 'capture_unavailable', 'probe_failed'].map((k) => [k, 'warn']),
        ),
        lockdown: { quitPasswordHash: hashQuitPassword(QUIT_PASSWORD, { N: 1024, r: 8, p: 1 }) },
      },
    }),
  );

  beforeAll(async () => {
    // The same preparation as `npm start`: build out/, and better-sqlite3 for Electron's ABI.
    const prepared = spawnSync(process.execPath, [path.join(root, 'scripts/start.mjs')], {
      cwd: root,
      env: { ...process.env, VIGIL_PREPARE_ONLY: '1' },
      encoding: 'utf8',
      timeout: 20 * 60_000,
    });
    if (prepared.status !== 0) throw new Error(`preparing the app failed: ${prepared.stderr.trim()}`);
    const last = prepared.stdout.trim().split('\n').at(-1) ?? '';
    nativeBinding = (JSON.parse(last) as { nativeBinding: string }).nativeBinding;
    // With --server-url the app asks the student to sign in, registers, and uploads with its token.
    const started = await startServerWithDemoExam({ students: [studentId] });
    server = started.server;
    accessCode = started.roster.codes[studentId]!;
  }, 20 * 60_000);

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await server?.close();
  });

  async function launch(extra: string[] = [], student = studentId): Promise<{ app: ElectronApplication; page: Page }> {
    const env = { ...process.env } as Record<string, string>;
    delete env.ELECTRON_RUN_AS_NODE;
    const launched = await _electron.launch({
      executablePath: (electron as { path: string }).path,
      args: [
        root,
        `--native-binding=${nativeBinding}`,
        `--data-dir=${dataDir}`,
        `--student-id=${student}`,
        `--server-url=${server.url}`,
        `--policy=${policyFile}`,
        ...extra,
      ],
      cwd: root,
      env,
      timeout: 60_000,
    });
    app = launched;
    const page = await launched.firstWindow();
    await signInIfAsked(page);
    return { app: launched, page };
  }

  /** The sign-in screen comes first with an exam server; a restart signs in again to resume. */
  async function signInIfAsked(page: Page): Promise<void> {
    const signIn = page.getByRole('heading', { level: 1, name: 'Sign in to your exam' });
    await expect.poll(async () => (await signIn.isVisible()) || (await examHeading(page).isVisible()), { timeout: 30_000 }).toBe(true);
    if (!(await signIn.isVisible())) return;
    await page.getByLabel('Student id').fill(studentId);
    await page.getByLabel('Exam access code').fill(accessCode);
    // The app has a system check: the button only signs in ("Sign in"), and the check screen follows.
    await page.getByRole('button', { name: /^Sign in/ }).click();
    const check = page.getByRole('heading', { level: 1, name: 'System check before the exam' });
    await expect.poll(async () => (await check.isVisible()) || (await examHeading(page).isVisible()), { timeout: 30_000 }).toBe(true);
  }

  /** Vigil closes only for the proctor's password (or once submitted): the proctor types it. */
  async function closeApp(): Promise<void> {
    if (!app) return;
    const exited = new Promise((resolve) => app!.process().once('exit', resolve));
    const page = await app.firstWindow();
    await page.evaluate(
      (password) => (window as unknown as { vigil: { requestQuit(i: unknown): Promise<unknown> } }).vigil.requestQuit({ password }),
      QUIT_PASSWORD,
    );
    await exited;
    app = null;
  }

  const examHeading = (page: Page) => page.getByRole('heading', { level: 1, name: /Physics 101/ });

  /** A new attempt opens on the system check; Start begins the exam. A resumed one opens on the exam. */
  async function enterExam(page: Page): Promise<void> {
    const check = page.getByRole('heading', { level: 1, name: 'System check before the exam' });
    await expect.poll(async () => (await check.isVisible()) || (await examHeading(page).isVisible()), { timeout: 20_000 }).toBe(true);
    if (await check.isVisible()) {
      const start = page.getByRole('button', { name: /^Start the exam/ });
      await expect.poll(() => start.isEnabled(), { timeout: 20_000 }).toBe(true);
      await start.click();
    }
    await expect.poll(() => examHeading(page).isVisible(), { timeout: 20_000 }).toBe(true);
  }

  test('the exam window is locked down and exposes only window.vigil', async () => {
    const { app, page } = await launch();
    await enterExam(page);
    expect(page.url()).toBe('app://vigil/index.html');

    const main = await app.evaluate(({ BrowserWindow }) => {
      const [w] = BrowserWindow.getAllWindows();
      return {
        windows: BrowserWindow.getAllWindows().length,
        kiosk: w!.isKiosk(),
        alwaysOnTop: w!.isAlwaysOnTop(),
        // Content protection exists on Windows and macOS only.
        contentProtected: process.platform === 'linux' ? null : w!.isContentProtected(),
      };
    });
    expect(main).toEqual({
      windows: 1,
      kiosk: true,
      alwaysOnTop: true,
      contentProtected: process.platform === 'linux' ? null : true,
    });

    const page_ = await page.evaluate(async (serverUrl) => {
      const w = window as unknown as Record<string, unknown> & { vigil: Record<string, unknown> };
      let fetched = 'allowed';
      try {
        await fetch(`${serverUrl}/ping`);
      } catch {
        fetched = 'blocked';
      }
      return {
        verbs: Object.keys(w.vigil).sort(),
        require: typeof w.require,
        process: typeof w.process,
        ipcRenderer: typeof w.ipcRenderer,
        opened: window.open('https://example.com') === null ? 'denied' : 'opened',
        fetched,
      };
    }, server.url);
    expect(page_).toEqual({
      verbs: ['acknowledgeWarning', 'getSnapshot', 'onSnapshot', 'reportWindowEvent', 'requestQuit', 'runSystemCheck', 'saveAnswer', 'startExam', 'submit'],
      require: 'undefined',
      process: 'undefined',
      ipcRenderer: 'undefined',
      opened: 'denied',
      fetched: 'blocked',
    });

    // A payload that fails the channel's schema comes back as a value, not an exception.
    const bad = await page.evaluate(() =>
      (window as unknown as { vigil: { saveAnswer(x: unknown): Promise<unknown> } }).vigil.saveAnswer({
        questionId: '../../etc',
        value: 42,
      }),
    );
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    // Navigation away is cancelled in main.
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe('app://vigil/index.html');
    await closeApp();
  });

  test('answers are autosaved to SQLite and come back after the app restarts', async () => {
    let { page } = await launch();
    await enterExam(page);
    await page.getByRole('radio', { name: '19.6 m/s' }).check();
    await page.getByRole('radio', { name: 'Kinetic energy' }).check();
    await page.getByRole('textbox', { name: /Newton's second law/ }).fill(shortText);
    await page.getByRole('textbox', { name: /astronauts/i }).fill(essayText);
    for (const id of ['q1', 'q2', 'q3', 'q4']) {
      await expect.poll(() => page.locator(`#q-${id}-status`).textContent(), { timeout: 10_000 }).toMatch(/^Saved/);
    }
    await closeApp();

    ({ page } = await launch());
    await expect.poll(() => page.getByRole('radio', { name: '19.6 m/s' }).isChecked(), { timeout: 20_000 }).toBe(true);
    expect(await page.getByRole('radio', { name: 'Kinetic energy' }).isChecked()).toBe(true);
    expect(await page.getByRole('textbox', { name: /Newton's second law/ }).inputValue()).toBe(shortText);
    expect(await page.getByRole('textbox', { name: /astronauts/i }).inputValue()).toBe(essayText);
  });

  test('pastes from outside push risk to 100; the exam locks and the server has the submission', async () => {
    const page = app ? await app.firstWindow() : (await launch()).page;
    const sessionId = await page.evaluate(async () => {
      const r = (await (window as unknown as { vigil: { getSnapshot(): Promise<any> } }).vigil.getSnapshot()) as {
        ok: boolean;
        value: { sessionId: string };
      };
      return r.value.sessionId;
    });
    for (let i = 0; i < 6; i++) {
      const overlayShown = await page.getByRole('alertdialog', { name: 'This exam has been locked' }).isVisible();
      if (overlayShown) break;
      await page.locator('#q-q4-input').evaluate((el, text) => {
        const data = new DataTransfer();
        data.setData('text/plain', text);
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }, `A paragraph from a website, number ${i}.`);
      await page.waitForTimeout(300);
    }
    const overlay = page.getByRole('alertdialog', { name: 'This exam has been locked' });
    await expect.poll(() => overlay.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(Number(await page.getByRole('meter', { name: 'Integrity risk score' }).getAttribute('aria-valuenow'))).toBe(100);
    await expect.poll(() => overlay.textContent(), { timeout: 20_000 }).toMatch(/Delivered to the exam server/);

    const uploads = server.sessions()[sessionId];
    expect(uploads?.submissions).toHaveLength(1);
    const body = uploads!.submissions[0]!.body as { reason: string; answers: { questionId: string; value: string }[] };
    expect(body.reason).toBe('risk_limit');
    expect(Object.fromEntries(body.answers.map((a) => [a.questionId, a.value]))).toEqual({
      q1: 'c',
      q2: 'b',
      q3: shortText,
      q4: essayText,
    });
    await closeApp();
  });

  test('quitting is refused without the password: the app, the window and Ctrl+Q stay, each attempt audited', async () => {
    const { app, page } = await launch([], 'electron-lock');
    await enterExam(page);
    await app.evaluate(({ app: electronApp }) => electronApp.quit());
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    await page.keyboard.press('Control+Q');
    await page.waitForTimeout(1000);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    expect(await examHeading(page).isVisible()).toBe(true);
    // A wrong password changes nothing.
    const wrong = await page.evaluate(() =>
      (window as unknown as { vigil: { requestQuit(i: unknown): Promise<unknown> } }).vigil.requestQuit({ password: 'not-it' }),
    );
    expect(wrong).toEqual({ ok: true, value: { allowed: false, retryInMs: 1000, wrongPasswords: 1 } });
    const log = readFileSync(path.join(dataDir, 'vigil.log'), 'utf8');
    expect(log).toMatch(/close refused \(app_quit\)/);
    expect(log).toMatch(/close refused \(window_close\)/);
    await closeApp();
  });

  test('reload, DevTools, print and zoom shortcuts are swallowed', async () => {
    const { app, page } = await launch([], 'electron-shortcuts');
    await enterExam(page);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    for (const keys of ['F5', 'Control+R', 'Control+Shift+R', 'F12', 'Control+Shift+I', 'Control+P', 'Control+Equal', 'Control+Minus']) {
      await page.keyboard.press(keys);
    }
    await page.waitForTimeout(800);
    // Still the same document (no reload), no DevTools, no zoom.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    const state = await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]!.webContents;
      return { devTools: contents.isDevToolsOpened(), zoom: contents.getZoomFactor() };
    });
    expect(state).toEqual({ devTools: false, zoom: 1 });
    const log = readFileSync(path.join(dataDir, 'vigil.log'), 'utf8');
    for (const action of ['reload', 'devtools', 'print', 'zoom']) expect(log).toContain(`blocked shortcut: ${action}`);
    await closeApp();
  });

  test('a malformed exam file shows an error window, logs it, and exits with status 1', async () => {
    const badExam = path.join(dataDir, 'bad-exam.json');
    writeFileSync(badExam, '{"schemaVersion": 1, "id": "x", "questions": [');
    const errorDir = mkdtempSync(path.join(tmpdir(), 'vigil-electron-bad-'));
    const launched = await _electron.launch({
      executablePath: (electron as { path: string }).path,
      args: [root, `--native-binding=${nativeBinding}`, `--data-dir=${errorDir}`, `--exam=${badExam}`],
      cwd: root,
      timeout: 60_000,
    });
    const page = await launched.firstWindow();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 20_000 }).toBe(
      'The exam file cannot be used',
    );
    expect(await page.locator('pre').textContent()).toContain('is not valid JSON');
    expect(readFileSync(path.join(errorDir, 'vigil.log'), 'utf8')).toMatch(/cannot start: The exam file cannot be used/);
    const proc = launched.process();
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    await launched.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    expect(await exited).toBe(1);
  });
});
