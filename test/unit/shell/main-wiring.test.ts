// Runs the real bundled main process (out/main/main.js as scripts/build.mjs makes it) under
// plain Node against a recording stand-in for the `electron` module. This is NOT an Electron
// test (test/electron/ is): it checks our wiring, which would otherwise first run where an
// Electron binary exists: the window options the factory really passes, the app:// handler
// and its CSP, the IPC handlers with their sender and payload checks, snapshot pushes, the
// startup-error path, and the engine closing on quit.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs build script without type declarations
import { buildMain } from '../../../scripts/build.mjs';
import { AuditStore } from '../../../src-main/audit/audit-store';
import { defaultPolicy } from '../../../src-main/contract';
import { hashQuitPassword } from '../../../src-main/exam/quit-password';
import { startServerWithDemoExam } from '../../exam-server-fixture';
import { Emitter } from '../../fake-emitter';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

type Listener = (...args: any[]) => unknown;


let nextId = 1;
class FakeWebContents extends Emitter {
  readonly id = nextId++;
  readonly sent: [string, unknown][] = [];
  windowOpenHandler: Listener | null = null;
  readonly session = {
    permissionRequest: null as Listener | null,
    permissionCheck: null as Listener | null,
    setPermissionRequestHandler: (f: Listener) => (this.session.permissionRequest = f),
    setPermissionCheckHandler: (f: Listener) => (this.session.permissionCheck = f),
    setDevicePermissionHandler: () => undefined,
  };
  setWindowOpenHandler(f: Listener): void {
    this.windowOpenHandler = f;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  isDestroyed(): boolean {
    return false;
  }
}

/** A fresh recording `electron` for one run of main.js. */
function createFakeElectron(appRoot: string, userData: string, isPackaged: boolean) {
  const windows: FakeWindow[] = [];
  const ipc = new Map<string, Listener>();
  const protocolHandlers = new Map<string, Listener>();
  const state = { schemes: [] as unknown[], exitCode: null as number | null, quits: 0 };
  const app = Object.assign(new Emitter(), {
    isPackaged,
    whenReady: () => Promise.resolve(),
    getAppPath: () => appRoot,
    getPath: () => userData,
    setPath: () => undefined,
    getVersion: () => '0.0.0-wiring',
    requestSingleInstanceLock: () => true,
    getAppMetrics: () => [{ pid: process.pid }],
    enableSandbox: () => undefined,
    quit() {
      state.quits++;
      let prevented = false;
      app.emit('before-quit', { preventDefault: () => (prevented = true) });
      return prevented;
    },
    exit(code: number) {
      state.exitCode = code;
    },
  });
  class FakeWindow extends Emitter {
    readonly webContents = new FakeWebContents();
    url: string | null = null;
    alwaysOnTop: unknown[] = [];
    constructor(readonly options: Record<string, any>) {
      super();
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    setAlwaysOnTop(...args: unknown[]): void {
      this.alwaysOnTop = args;
    }
    setContentProtection(): void {}
    isDestroyed(): boolean {
      return false;
    }
    async loadURL(url: string): Promise<void> {
      this.url = url;
    }
  }
  const powerMonitor = Object.assign(new Emitter(), { removeListener: () => undefined });
  const screen = Object.assign(new Emitter(), { removeListener: () => undefined, getAllDisplays: () => [{ id: 1 }] });
  const electron = {
    app,
    powerMonitor,
    screen,
    BrowserWindow: FakeWindow,
    Menu: { setApplicationMenu: () => undefined },
    dialog: { showErrorBox: (t: string, m: string) => console.error(`[dialog] ${t}: ${m}`) },
    ipcMain: {
      handle: (channel: string, f: Listener) => ipc.set(channel, f),
      removeHandler: (channel: string) => ipc.delete(channel),
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => state.schemes.push(...s),
      handle: (scheme: string, f: Listener) => protocolHandlers.set(scheme, f),
    },
  };
  return { electron, windows, ipc, protocolHandlers, state };
}

type Fake = ReturnType<typeof createFakeElectron>;

// Keep the OS input hook out of this test process; the session must cope without it.
const savedDisplay = process.env.DISPLAY;
afterAll(() => {
  if (savedDisplay !== undefined) process.env.DISPLAY = savedDisplay;
});

let bundleDir: string;
beforeAll(async () => {
  delete process.env.DISPLAY;
  bundleDir = mkdtempSync(path.join(tmpdir(), 'vigil-main-wiring-'));
  await buildMain(path.join(bundleDir, 'out'));
  // The bundle resolves its externals from node_modules beside it: the real native
  // packages, and a stand-in `electron` that hands out whatever the current test set up.
  const modules = path.join(bundleDir, 'node_modules');
  mkdirSync(path.join(modules, 'electron'), { recursive: true });
  for (const pkg of ['better-sqlite3', 'uiohook-napi', 'systeminformation', 'zod', 'vigil-native']) {
    symlinkSync(path.join(root, 'node_modules', pkg), path.join(modules, pkg), 'dir');
  }
  writeFileSync(path.join(modules, 'electron', 'package.json'), '{"name":"electron","type":"module","main":"index.js"}');
  // ESM caches this module across runs, so each export forwards to the current fake.
  writeFileSync(
    path.join(modules, 'electron', 'index.js'),
    [
      'const current = (n) => globalThis.__vigilFakeElectron[n];',
      'const forward = (n) => new Proxy(function () {}, {',
      '  get: (_, k) => { const t = current(n); const v = Reflect.get(t, k); return typeof v === "function" ? v.bind(t) : v; },',
      '  construct: (_, args) => Reflect.construct(current(n), args),',
      '  apply: (_, self, args) => Reflect.apply(current(n), self, args),',
      '});',
      ...['app', 'BrowserWindow', 'Menu', 'dialog', 'ipcMain', 'protocol', 'powerMonitor', 'screen'].map(
        (n) => `export const ${n} = forward(${JSON.stringify(n)});`,
      ),
    ].join('\n'),
  );
}, 120_000);

let run = 0;
/** Imports a fresh copy of main.js with `argv`, against a fresh fake; resolves once it loaded a window. */
async function startMain(argv: string[], isPackaged = false): Promise<Fake & { appRoot: string; dataDir: string }> {
  const appRoot = mkdtempSync(path.join(tmpdir(), 'vigil-app-'));
  cpSync(path.join(root, 'assets'), path.join(appRoot, 'assets'), { recursive: true });
  mkdirSync(path.join(appRoot, 'out', 'renderer', 'assets'), { recursive: true });
  writeFileSync(path.join(appRoot, 'out', 'renderer', 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(path.join(appRoot, 'out', 'renderer', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(appRoot, 'secret.txt'), 'outside the renderer folder');
  const dataDir = path.join(appRoot, 'data');
  const fake = createFakeElectron(appRoot, path.join(appRoot, 'user-data'), isPackaged);
  (globalThis as Record<string, unknown>).__vigilFakeElectron = fake.electron;
  const savedArgv = process.argv;
  process.argv = ['electron', appRoot, `--data-dir=${dataDir}`, ...argv];
  try {
    await import(`${pathToFileURL(path.join(bundleDir, 'out', 'main', 'main.js')).href}?run=${++run}`);
  } finally {
    process.argv = savedArgv;
  }
  for (const started = Date.now(); !fake.windows.at(-1)?.url; ) {
    if (Date.now() - started > 15_000) throw new Error('main.js loaded no window within 15 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { ...fake, appRoot, dataDir };
}

const mainFrameEvent = (sender: FakeWebContents, url = 'app://vigil/index.html') => ({
  sender,
  senderFrame: { parent: null, url },
});

describe('main.js wiring (recording stand-in for electron, real engine and SQLite)', () => {
  let main: Awaited<ReturnType<typeof startMain>>;

  beforeAll(async () => {
    // This machine is a VM: the check's block on it would keep the exam from starting here.
    const policyFile = path.join(mkdtempSync(path.join(tmpdir(), 'vigil-wiring-policy-')), 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ schemaVersion: 1, integrity: { checks: { virtual_machine: 'warn', remote_session: 'warn', probe_failed: 'warn' } } }));
    main = await startMain(['--student-id=wiring', `--policy=${policyFile}`]);
  }, 60_000);

  it('registers app:// as a standard, secure scheme before ready', () => {
    expect(main.state.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
    ]);
  });

  it('opens one kiosk exam window with the secure webPreferences and the built preload', () => {
    expect(main.windows).toHaveLength(1);
    const [win] = main.windows;
    expect(win!.url).toBe('app://vigil/index.html');
    expect(win!.options).toMatchObject({ kiosk: true, fullscreen: true, alwaysOnTop: true, show: false });
    expect(win!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      preload: path.join(main.appRoot, 'out', 'preload', 'preload.cjs'),
    });
    expect(win!.alwaysOnTop).toEqual([true, 'screen-saver']);
  });

  it('denies navigation, window.open, webviews and permissions on the window (once, not twice)', () => {
    const wc = main.windows[0]!.webContents;
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = 0;
      wc.emit(name, { url: 'https://example.com/', preventDefault: () => prevented++ });
      expect(prevented, name).toBe(1);
    }
    expect(wc.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    let granted: boolean | null = null;
    wc.session.permissionRequest!(wc, 'media', (g: boolean) => (granted = g));
    expect(granted).toBe(false);
    expect(wc.session.permissionCheck!(wc, 'clipboard-read')).toBe(false);
  });

  it('serves out/renderer over app:// with the CSP and refuses to leave it', async () => {
    const handler = main.protocolHandlers.get('app')!;
    const index = (await handler({ url: 'app://vigil/index.html', method: 'GET' })) as Response;
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain("connect-src 'none'");
    expect(index.headers.get('access-control-allow-origin')).toBeNull();
    expect(await index.text()).toContain('<div id="root">');
    const js = (await handler({ url: 'app://vigil/assets/app.js', method: 'GET' })) as Response;
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const escape = (await handler({ url: 'app://vigil/..%2fsecret.txt', method: 'GET' })) as Response;
    expect(escape.status).toBe(403);
    expect(await escape.text()).not.toContain('outside');
    const missing = (await handler({ url: 'app://vigil/nope.js', method: 'GET' })) as Response;
    expect(missing.status).toBe(404);
    const post = (await handler({ url: 'app://vigil/index.html', method: 'POST' })) as Response;
    expect(post.status).toBe(405);
  });

  it('handles exactly the channel map, checking sender then payload', async () => {
    expect([...main.ipc.keys()].sort()).toEqual([
      'vigil:acknowledge-warning',
      'vigil:get-snapshot',
      'vigil:lock-flushed',
      'vigil:report-window-event',
      'vigil:request-quit',
      'vigil:run-system-check',
      'vigil:save-answer',
      'vigil:sign-in',
      'vigil:start-exam',
      'vigil:submit',
    ]);
    const wc = main.windows[0]!.webContents;
    const snapshot = await main.ipc.get('vigil:get-snapshot')!(mainFrameEvent(wc), undefined);
    expect(snapshot).toMatchObject({ ok: true, value: { studentId: 'wiring', exam: { id: 'demo-physics-101' } } });

    const saved = await main.ipc.get('vigil:save-answer')!(mainFrameEvent(wc), { questionId: 'q3', value: 'F = ma' });
    expect(saved).toMatchObject({ ok: true, value: { questionId: 'q3', value: 'F = ma', revision: 1 } });
    await expect.poll(() => wc.sent.some(([c, s]) => c === 'vigil:snapshot' && (s as any).answers.q3)).toBe(true);

    const bad = await main.ipc.get('vigil:save-answer')!(mainFrameEvent(wc), { questionId: 'q3', value: 7 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    const stranger = new FakeWebContents();
    for (const event of [
      mainFrameEvent(stranger),
      { sender: wc, senderFrame: { parent: {}, url: 'app://vigil/index.html' } },
      mainFrameEvent(wc, 'https://evil.example/'),
      { sender: wc, senderFrame: null },
    ]) {
      const r = await main.ipc.get('vigil:submit')!(event, { confirm: true });
      expect(r).toEqual({ ok: false, error: { code: 'invalid_input', message: 'This caller may not use the exam API.' } });
    }
    // The exam waits for the system check; start-exam checks and starts it.
    expect((snapshot as any).value.phase).toBe('checking');
    const started = (await main.ipc.get('vigil:start-exam')!(mainFrameEvent(wc), undefined)) as any;
    expect(started).toMatchObject({ ok: true, value: { started: true, check: { ok: true } } });
    // None of the refused calls reached the engine: the exam is still open.
    const after = (await main.ipc.get('vigil:get-snapshot')!(mainFrameEvent(wc), undefined)) as any;
    expect(after.value.phase).toBe('active');
    // Capture could not start here (no DISPLAY): the exam runs on and says so.
    expect(after.value.notices.join(' ')).toMatch(/input-hook/);
    const log = readFileSync(path.join(main.dataDir, 'vigil.log'), 'utf8');
    expect(log).toMatch(/ipc: dropped vigil:submit from webContents \d+: unknown webContents/);
    expect(log).toMatch(/ipc: dropped vigil:submit .*sub-frame/);
    expect(log).toMatch(/ipc: dropped vigil:submit .*foreign origin https:\/\/evil.example/);
    expect(log).toMatch(/ipc: dropped vigil:submit .*sending frame is gone/);
    expect(log).toMatch(/ipc: rejected vigil:save-answer payload/);
  });

  it('refuses to quit an exam that is not submitted, and audits it; closes the engine before quitting once submitted', async () => {
    expect(main.state.quits).toBe(0);
    const wc = main.windows[0]!.webContents;
    expect(main.electron.app.quit()).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(main.state.quits).toBe(1);
    expect(readFileSync(path.join(main.dataDir, 'vigil.log'), 'utf8')).toMatch(/close refused \(app_quit\)/);
    expect(await main.ipc.get('vigil:submit')!(mainFrameEvent(wc), { confirm: true })).toMatchObject({ ok: true });
    main.state.quits = 0;
    expect(main.electron.app.quit()).toBe(true);
    // A second quit request while the engine closes waits too, and closes nothing twice.
    expect(main.electron.app.quit()).toBe(true);
    await expect.poll(() => main.state.quits, { timeout: 10_000 }).toBe(3);
    // The final quit goes through.
    expect(main.electron.app.quit()).toBe(false);
    const log = readFileSync(path.join(main.dataDir, 'vigil.log'), 'utf8');
    expect(log.match(/quitting: closing the exam session/g)).toHaveLength(1);
    expect(existsSync(main.dataDir)).toBe(true);
  });
});

describe('main.js with an exam server (--server-url)', () => {
  it('asks the student to sign in, registers with the server, then runs the attempt it registered', async () => {
    const { server, roster } = await startServerWithDemoExam({ students: ['wired'], log: () => {} });
    try {
      // This machine is a VM: a policy that warns instead of blocking lets the exam start here.
      const policyFile = path.join(mkdtempSync(path.join(tmpdir(), 'vigil-wiring-policy-')), 'policy.json');
      writeFileSync(policyFile, JSON.stringify({ schemaVersion: 1, integrity: { checks: { virtual_machine: 'warn', remote_session: 'warn', probe_failed: 'warn' } } }));
      const main = await startMain([`--server-url=${server.url}`, `--policy=${policyFile}`]);
      const wc = main.windows[0]!.webContents;
      const call = (channel: string, payload?: unknown) => main.ipc.get(channel)!(mainFrameEvent(wc), payload) as Promise<any>;
      expect((await call('vigil:get-snapshot')).value).toMatchObject({ phase: 'sign_in', exam: { id: 'demo-physics-101', questions: [] } });
      expect(await call('vigil:save-answer', { questionId: 'q3', value: 'x' })).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });
      expect(await call('vigil:sign-in', { studentId: 'wired', accessCode: 'WRONG' })).toMatchObject({ ok: false, error: { code: 'bad_access_code' } });
      const signedIn = await call('vigil:sign-in', { studentId: 'wired', accessCode: roster.codes.wired });
      // Signed in, the attempt runs the pre-exam system check; start-exam starts it.
      expect(signedIn).toMatchObject({ ok: true, value: { phase: 'checking', studentId: 'wired' } });
      expect(await call('vigil:start-exam')).toMatchObject({ ok: true, value: { started: true } });
      expect(server.store.attempt(signedIn.value.sessionId)).toMatchObject({ studentId: 'wired', appVersion: '0.0.0-wiring' });
      expect(await call('vigil:save-answer', { questionId: 'q3', value: 'F = ma' })).toMatchObject({ ok: true });
      await expect.poll(() => wc.sent.some(([c, snap]) => c === 'vigil:snapshot' && (snap as any).answers.q3)).toBe(true);
      // Vigil closes once the exam is submitted (the quit guard).
      expect(await call('vigil:submit', { confirm: true })).toMatchObject({ ok: true });
      main.electron.app.quit();
      await expect.poll(() => main.state.quits, { timeout: 10_000 }).toBe(2);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('main.js startup errors', () => {
  it('a malformed exam file gets an error window (no preload), a log line and exit status 1', async () => {
    const badExam = path.join(mkdtempSync(path.join(tmpdir(), 'vigil-bad-')), 'exam.json');
    writeFileSync(badExam, '{"schemaVersion": 1, "questions": [');
    const main = await startMain([`--exam=${badExam}`]);
    expect(main.windows).toHaveLength(1);
    const [win] = main.windows;
    expect(win!.url).toBe('app://vigil/__startup-error');
    expect(win!.options.kiosk).toBeUndefined();
    expect(win!.options.webPreferences.preload).toBeUndefined();
    expect(win!.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, devTools: false });
    const page = (await main.protocolHandlers.get('app')!({ url: 'app://vigil/__startup-error', method: 'GET' })) as Response;
    const html = await page.text();
    expect(html).toContain('<h1>The exam file cannot be used</h1>');
    expect(html).toContain('is not valid JSON');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(main.ipc.size).toBe(0);
    expect(readFileSync(path.join(main.dataDir, 'vigil.log'), 'utf8')).toMatch(/cannot start: The exam file cannot be used/);
    main.electron.app.emit('window-all-closed');
    expect(main.state.exitCode).toBe(1);
  });

  it('a bad command line is shown the same way', async () => {
    const main = await startMain(['--server-url=ftp://example.com']);
    const page = (await main.protocolHandlers.get('app')!({ url: 'app://vigil/__startup-error', method: 'GET' })) as Response;
    expect(await page.text()).toContain('must be http or https');
  });

  it('a packaged app refuses debugging switches; an unpackaged one (npm start, Playwright) allows them', async () => {
    const packaged = await startMain(['--remote-debugging-port=9222'], true);
    expect(packaged.windows[0]!.url).toBe('app://vigil/__startup-error');
    expect(packaged.windows[0]!.options.webPreferences.devTools).toBe(false);
    const page = (await packaged.protocolHandlers.get('app')!({ url: 'app://vigil/__startup-error', method: 'GET' })) as Response;
    expect(await page.text()).toContain('--remote-debugging-port=9222 would let another program control the exam');

    // --native-binding dlopen()s any .node file into main: code injection no fuse covers.
    // A loadable addon (Node's own better-sqlite3 here) would otherwise be run without a word.
    const addon = path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    const injected = await startMain([`--native-binding=${addon}`], true);
    expect(injected.windows[0]!.url).toBe('app://vigil/__startup-error');
    const injectedPage = (await injected.protocolHandlers.get('app')!({ url: 'app://vigil/__startup-error', method: 'GET' })) as Response;
    expect(await injectedPage.text()).toContain('--native-binding');

    const dev = await startMain(['--remote-debugging-port=9222'], false);
    expect(dev.windows[0]!.url).toBe('app://vigil/index.html');
    expect(dev.windows[0]!.options.webPreferences.devTools).toBe(true);
    dev.electron.app.quit();
  });

  it('--review opens a read-only review window with its own preload and only the review channel', async () => {
    const room = mkdtempSync(path.join(tmpdir(), 'vigil-wiring-room-'));
    const store = AuditStore.open(path.join(room, 'a.sqlite'));
    store.append('session_started', { sessionId: 's', examId: 'e', studentId: 'stu', at: 1, durationMinutes: 10, policy: defaultPolicy() });
    store.close();
    writeFileSync(path.join(room, 'junk.sqlite'), 'not a database');
    // Unpackaged: startMain always passes --data-dir, which a packaged app refuses (launch-flags.test.ts shows it accepts --review).
    const review = await startMain([`--review=${room}`]);
    expect(review.windows).toHaveLength(1);
    const [win] = review.windows;
    expect(win!.url).toBe('app://vigil/review.html');
    expect(win!.options).toMatchObject({ title: 'Vigil review', show: false });
    expect(win!.options.kiosk).toBeUndefined();
    expect(win!.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, preload: path.join(review.appRoot, 'out', 'preload', 'review-preload.cjs') });
    expect([...review.ipc.keys()]).toEqual(['vigil-review:invoke']);
    const invoke = review.ipc.get('vigil-review:invoke')!;
    const listed = (await invoke(mainFrameEvent(win!.webContents, 'app://vigil/review.html'), 'listAttempts', {})) as {
      ok: boolean;
      value: { attempts: { id: string; readable: boolean; error?: string }[] };
    };
    expect(listed.ok).toBe(true);
    expect(listed.value.attempts.map((a) => [a.id, a.readable])).toEqual([
      ['a.sqlite', true],
      ['junk.sqlite', false],
    ]);
    expect(await invoke(mainFrameEvent(new FakeWebContents(), 'app://vigil/review.html'), 'listAttempts', {})).toMatchObject({ ok: false });
    expect(await invoke(mainFrameEvent(win!.webContents, 'app://vigil/index.html'), 'listAttempts', {})).toMatchObject({ ok: false });
    expect(await invoke(mainFrameEvent(win!.webContents, 'app://vigil/review.html'), 'saveReview', { id: '../x', disposition: 'no_issue', notes: '' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/^No attempt/) },
    });
  });

  it('--review under a policy with a proctor password refuses every review verb until the proctor signs in', async () => {
    const room = mkdtempSync(path.join(tmpdir(), 'vigil-wiring-gated-'));
    const store = AuditStore.open(path.join(room, 'a.sqlite'));
    store.append('session_started', { sessionId: 's', examId: 'e', studentId: 'stu', at: 1, durationMinutes: 10, policy: defaultPolicy() });
    store.close();
    const policyFile = path.join(room, '..', `${path.basename(room)}-policy.json`);
    writeFileSync(policyFile, JSON.stringify({ schemaVersion: 1, integrity: { lockdown: { quitPasswordHash: hashQuitPassword('wiring-proctor', { N: 1024, r: 8, p: 1 }) } } }));
    const review = await startMain([`--review=${room}`, `--policy=${policyFile}`]);
    const [win] = review.windows;
    const invoke = (verb: string, input: unknown) => review.ipc.get('vigil-review:invoke')!(mainFrameEvent(win!.webContents, 'app://vigil/review.html'), verb, input);
    expect(await invoke('reviewAccess', {})).toMatchObject({ ok: true, value: { required: true, signedIn: false } });
    expect(await invoke('listAttempts', {})).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });
    expect(await invoke('proctorSignIn', { password: 'wiring-guess' })).toMatchObject({ ok: false, error: { code: 'wrong_password' } });
    await new Promise((r) => setTimeout(r, 1000));
    expect(await invoke('proctorSignIn', { password: 'wiring-proctor' })).toMatchObject({ ok: true, value: { signedIn: true, failedSinceLastSignIn: 1 } });
    expect(await invoke('listAttempts', {})).toMatchObject({ ok: true, value: { attempts: [{ id: 'a.sqlite', readable: true }] } });
    // Recorded beside the review file and in the app log; never the password.
    const access = readFileSync(path.join(room, 'vigil-review-access.jsonl'), 'utf8');
    expect(access.trim().split('\n').map((l) => (JSON.parse(l) as { outcome: string }).outcome)).toEqual(['wrong_password', 'signed_in']);
    const log = readFileSync(path.join(review.dataDir, 'vigil.log'), 'utf8');
    expect(log).toMatch(/review: the proctor password of .*-policy\.json is required/);
    expect(log).toMatch(/review: proctor sign-in: wrong password[\s\S]*review: proctor sign-in: signed in/);
    expect(`${access}${log}`).not.toContain('wiring-proctor');
    expect(`${access}${log}`).not.toContain('wiring-guess');
  });
});

