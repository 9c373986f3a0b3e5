// What only a real Electron can show: a production build refuses the flags and switches it
// must refuse (Chromium has already parsed them by then), and the fuses electron-builder.yml
// sets exist in this Electron and are set in a packaged app. Without an Electron binary it
// says "skipped: no Electron binary" and is reported as skipped; nothing is simulated.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
// @ts-expect-error -- plain .mjs scripts without type declarations
import { buildMain, buildPreload } from '../../scripts/build.mjs';
// @ts-expect-error -- plain .mjs scripts without type declarations
import { FUSE_POSITIONS, configuredFuses, fuseDifferences, packagedApps } from '../../scripts/check-fuses.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

function findElectron(): string | null {
  const exe = process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : process.platform === 'win32' ? 'electron.exe' : 'electron';
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(root, 'node_modules', 'electron', 'dist');
  const p = path.join(dist, exe);
  return existsSync(p) ? p : null;
}

const electron = findElectron();
const skipReason = electron === null ? 'no Electron binary' : process.platform === 'linux' && !process.env.DISPLAY ? 'no X display (run under xvfb-run)' : null;
if (skipReason) console.log(`skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('a production build in real Electron', { timeout: 120_000 }, () => {
  const appDir = mkdtempSync(path.join(tmpdir(), 'vigil-electron-prod-'));
  /** Electron's userData (and so Vigil's log) lives under `home`: a fresh one per run, never the real one. */
  const envFor = (home: string): Record<string, string> => {
    const env = { ...process.env, XDG_CONFIG_HOME: home, HOME: home, APPDATA: home } as Record<string, string>;
    delete env.ELECTRON_RUN_AS_NODE;
    return env;
  };
  const logFile = (home: string): string => {
    const base = process.platform === 'darwin' ? path.join(home, 'Library', 'Application Support') : home;
    return path.join(base, 'vigil-production-test', 'attempts', 'vigil.log');
  };

  beforeAll(async () => {
    await Promise.all([buildMain(path.join(appDir, 'out'), { production: true }), buildPreload(path.join(appDir, 'out'))]);
    mkdirSync(path.join(appDir, 'out', 'renderer'), { recursive: true });
    writeFileSync(path.join(appDir, 'out', 'renderer', 'index.html'), '<!doctype html><title>never shown</title>');
    writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ name: 'vigil-production-test', version: '0.0.0', type: 'module', main: 'out/main/main.js' }));
  }, 120_000);

  /** Starts `electron APP ...args` without Playwright (whose own switches would be refused first); returns the refusal logged. */
  async function refusal(args: string[]): Promise<string> {
    const home = mkdtempSync(path.join(tmpdir(), 'vigil-electron-home-'));
    const child = spawn(electron!, [appDir, ...args], { env: envFor(home), stdio: 'ignore' });
    try {
      for (const started = Date.now(); Date.now() - started < 60_000; ) {
        const log = existsSync(logFile(home)) ? readFileSync(logFile(home), 'utf8') : '';
        const line = log.split('\n').find((l) => l.includes('cannot start:'));
        if (line) return line;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`no "cannot start" line in ${logFile(home)} within 60 s`);
    } finally {
      child.kill();
    }
  }

  test('refuses a development flag', async () => {
    expect(await refusal(['--policy=/tmp/lenient.json'])).toMatch(/cannot start: Vigil was started with --policy/);
  });

  test('refuses a Chromium switch outside the allow-list', async () => {
    expect(await refusal(['--student-id=ada', '--proxy-server=127.0.0.1:9'])).toMatch(/arguments it does not take: --proxy-server=127\.0\.0\.1:9/);
  });

  test("refuses Playwright's debugging switches and shows the startup error page", async () => {
    const app = await _electron.launch({ executablePath: electron!, args: [appDir], env: envFor(mkdtempSync(path.join(tmpdir(), 'vigil-electron-home-'))), timeout: 60_000 });
    try {
      const page = await app.firstWindow();
      expect(page.url()).toBe('app://vigil/__startup-error');
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Vigil was started with debugging switches');
    } finally {
      await app.close().catch(() => undefined);
    }
  });

  test('every fuse electron-builder.yml sets exists in this Electron', async () => {
    const { getCurrentFuseWire } = require('@electron/fuses') as { getCurrentFuseWire(p: string): Promise<Record<string, unknown>> };
    const wire = await getCurrentFuseWire(electron!);
    for (const name of Object.keys(configuredFuses())) {
      expect(wire[FUSE_POSITIONS[name]], name).toBeDefined();
      expect(wire[FUSE_POSITIONS[name]], `${name} removed in this Electron`).not.toBe(0x72);
    }
  });

  const apps = packagedApps() as string[];
  test.skipIf(apps.length === 0)('the packaged app has exactly the fuses electron-builder.yml sets', async () => {
    for (const app of apps) expect(await fuseDifferences(app, configuredFuses()), app).toEqual([]);
  });
  if (apps.length === 0) console.log('skipped: no packaged app in release/ (npm run package) for the fuse check');

});
