// The production bundle (`npm run build -- --production`) under plain Node with a small
// recording stand-in for `electron`, as main-wiring.test.ts does for the development one.
// It proves that the bundler's constant, not app.isPackaged, makes Vigil strict: here
// isPackaged is false (a binary renamed `electron`), and the rules still apply.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs build script without type declarations
import { buildDefines, buildMain } from '../../../scripts/build.mjs';
import { Emitter } from '../../fake-emitter';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
type Listener = (...args: any[]) => unknown;


/** Just enough Electron for main.js to reach its first window. */
function fakeElectron(appRoot: string) {
  const windows: { url: string | null; options: Record<string, any> }[] = [];
  const protocolHandlers = new Map<string, Listener>();
  const session = { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, setDevicePermissionHandler() {} };
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    whenReady: () => Promise.resolve(),
    getAppPath: () => appRoot,
    getPath: () => path.join(appRoot, 'user-data'),
    setPath: () => undefined,
    getVersion: () => '0.0.0-production',
    requestSingleInstanceLock: () => true,
    enableSandbox: () => undefined,
    quit: () => undefined,
    exit: () => undefined,
  });
  class FakeWindow extends Emitter {
    readonly webContents = Object.assign(new Emitter(), { session, setWindowOpenHandler() {}, id: 1 });
    url: string | null = null;
    constructor(readonly options: Record<string, any>) {
      super();
      windows.push(this);
    }
    setAlwaysOnTop() {}
    setContentProtection() {}
    isDestroyed() {
      return false;
    }
    async loadURL(url: string) {
      this.url = url;
    }
  }
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    Menu: { setApplicationMenu: () => undefined },
    dialog: { showErrorBox: () => undefined },
    ipcMain: { handle: () => undefined, removeHandler: () => undefined },
    protocol: { registerSchemesAsPrivileged: () => undefined, handle: (s: string, f: Listener) => protocolHandlers.set(s, f) },
  };
  return { electron, windows, protocolHandlers };
}

let bundleDir: string;
const pub = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();

beforeAll(async () => {
  bundleDir = mkdtempSync(path.join(tmpdir(), 'vigil-production-'));
  const pubFile = path.join(bundleDir, 'institution.pub');
  writeFileSync(pubFile, pub);
  await buildMain(path.join(bundleDir, 'out'), { production: true, institutionPubFile: pubFile });
  const modules = path.join(bundleDir, 'node_modules');
  mkdirSync(path.join(modules, 'electron'), { recursive: true });
  for (const pkg of ['better-sqlite3', 'uiohook-napi', 'systeminformation']) {
    symlinkSync(path.join(root, 'node_modules', pkg), path.join(modules, pkg), 'dir');
  }
  writeFileSync(path.join(modules, 'electron', 'package.json'), '{"name":"electron","type":"module","main":"index.js"}');
  writeFileSync(
    path.join(modules, 'electron', 'index.js'),
    ['app', 'BrowserWindow', 'Menu', 'dialog', 'ipcMain', 'protocol']
      .map((n) => `export const ${n} = new Proxy(function () {}, { get: (_, k) => { const t = globalThis.__vigilProdElectron.${n}; const v = Reflect.get(t, k); return typeof v === 'function' ? v.bind(t) : v; }, construct: (_, a) => Reflect.construct(globalThis.__vigilProdElectron.${n}, a) });`)
      .join('\n'),
  );
}, 120_000);

const saved = { argv: process.argv, defaultApp: process.defaultApp };
afterAll(() => {
  process.argv = saved.argv;
  (process as { defaultApp?: boolean }).defaultApp = saved.defaultApp;
});

let run = 0;
/** Starts the production main.js as `electron APP ...args` and returns the startup error page it shows. */
async function startupPage(args: string[]): Promise<{ url: string | null; html: string; devTools: unknown; appRoot: string }> {
  const appRoot = mkdtempSync(path.join(tmpdir(), 'vigil-prod-app-'));
  mkdirSync(path.join(appRoot, 'out', 'renderer'), { recursive: true });
  writeFileSync(path.join(appRoot, 'out', 'renderer', 'index.html'), '<!doctype html>');
  const fake = fakeElectron(appRoot);
  (globalThis as Record<string, unknown>).__vigilProdElectron = fake.electron;
  process.argv = ['electron', appRoot, ...args];
  (process as { defaultApp?: boolean }).defaultApp = true;
  await import(`${pathToFileURL(path.join(bundleDir, 'out', 'main', 'main.js')).href}?run=${++run}`);
  for (const started = Date.now(); !fake.windows.at(-1)?.url; ) {
    if (Date.now() - started > 15_000) throw new Error('main.js loaded no window within 15 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  const win = fake.windows.at(-1)!;
  const response = (await fake.protocolHandlers.get('app')!({ url: 'app://vigil/__startup-error', method: 'GET' })) as Response;
  return { url: win.url, html: await response.text(), devTools: win.options.webPreferences?.devTools, appRoot };
}

describe('the production bundle', () => {
  it('has the build constants and the baked-in institution key compiled in', () => {
    const code = readFileSync(path.join(bundleDir, 'out', 'main', 'main.js'), 'utf8');
    expect(code).not.toContain('__VIGIL_PRODUCTION__');
    expect(code).toContain(JSON.stringify(pub).slice(1, 40));
  });

  it('refuses development flags although app.isPackaged is false', async () => {
    const page = await startupPage(['--policy=/tmp/lenient.json']);
    expect(page.url).toBe('app://vigil/__startup-error');
    expect(page.html).toContain('Vigil was started with --policy');
    expect(page.devTools).toBe(false);
  });

  it('refuses --data-dir without first moving its log there', async () => {
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'vigil-elsewhere-'));
    const page = await startupPage([`--data-dir=${elsewhere}`]);
    expect(page.html).toContain('Vigil was started with --data-dir');
    expect(readFileSync(path.join(page.appRoot, 'user-data', 'attempts', 'vigil.log'), 'utf8')).toMatch(/cannot start: Vigil was started with --data-dir/);
    expect(existsSync(path.join(elsewhere, 'vigil.log'))).toBe(false);
  });

  it('refuses arguments outside the allow-list, naming them', async () => {
    const page = await startupPage(['--student-id=ada', '--proxy-server=127.0.0.1:8080']);
    expect(page.html).toContain('Vigil was started with arguments it does not take');
    expect(page.html).toContain('--proxy-server=127.0.0.1:8080: an installed Vigil takes only --student-id (or --review for a proctor)');
  });

  it('never falls back to the bundled default policy: without the managed files it refuses to start', async () => {
    const policy = '/etc/vigil/policy.json';
    if (existsSync(policy)) return console.log(`skipped: ${policy} exists on this machine`);
    const page = await startupPage(['--student-id=ada']);
    expect(page.url).toBe('app://vigil/__startup-error');
    expect(page.html).toContain('The exam policy cannot be used');
    expect(page.html).toContain(`${policy} cannot be read (ENOENT). IT: install the signed policy there`);
  });
});

describe('--review in the production bundle', () => {
  it('asks the signed policy for the proctor password first: without one installed, the review does not open', async () => {
    const policy = '/etc/vigil/policy.json';
    if (existsSync(policy)) return console.log(`skipped: ${policy} exists on this machine`);
    const room = mkdtempSync(path.join(tmpdir(), 'vigil-prod-room-'));
    const page = await startupPage([`--review=${room}`]);
    expect(page.url).toBe('app://vigil/__startup-error');
    expect(page.html).toContain('The exam policy cannot be used');
    expect(page.html).toContain(`${policy} cannot be read (ENOENT)`);
    expect(existsSync(path.join(room, 'vigil-review-access.jsonl'))).toBe(false);
  });
});

describe('buildDefines (the build-time constants)', () => {
  it('is development unless asked, and carries no key unless given one', () => {
    expect(buildDefines({ institutionPubFile: null })).toEqual({ __VIGIL_PRODUCTION__: 'false', __VIGIL_INSTITUTION_PUB__: 'null' });
    expect(buildDefines({ production: true, institutionPubFile: null }).__VIGIL_PRODUCTION__).toBe('true');
  });

  it('refuses to build with a key file that is missing or not Ed25519, naming it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-defines-'));
    expect(() => buildDefines({ institutionPubFile: path.join(dir, 'nope.pub') })).toThrow(/VIGIL_INSTITUTION_PUB=.*nope\.pub cannot be read \(ENOENT\)/);
    const rsa = path.join(dir, 'rsa.pub');
    writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }));
    expect(() => buildDefines({ institutionPubFile: rsa })).toThrow(/is a rsa key; Vigil needs the Ed25519 institution\.pub/);
    const junk = path.join(dir, 'junk.pub');
    writeFileSync(junk, 'hello');
    expect(() => buildDefines({ institutionPubFile: junk })).toThrow(/is not a PEM public key/);
  });
});
