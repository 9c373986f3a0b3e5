// `--review` in the real Electron app under a policy with a proctor password: the review
// window asks for it first, main refuses the review verbs until it matches (IPC from the
// sandboxed review preload), and then the attempts list opens. Driven by Playwright's
// _electron. Without an Electron binary (or, on Linux, an X display) it says
// "skipped: no Electron binary" and is reported as skipped; nothing here is simulated.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron } from 'playwright-core';
import type { ElectronApplication } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashQuitPassword } from '../../src-main/exam/quit-password';
import { writeAttempt } from '../review/attempt-fixtures';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function findElectron(): string | null {
  const exe = process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : process.platform === 'win32' ? 'electron.exe' : 'electron';
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(root, 'node_modules', 'electron', 'dist');
  const p = path.join(dist, exe);
  return existsSync(p) ? p : null;
}

const electron = findElectron();
const skipReason = electron === null ? 'no Electron binary' : process.platform === 'linux' && !process.env.DISPLAY ? 'no X display (run under xvfb-run)' : null;
if (skipReason) console.log(`skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('the proctor sign-in of --review in the Electron app', { timeout: 180_000 }, () => {
  const PASSWORD = 'electron-review-proctor';
  const work = mkdtempSync(path.join(tmpdir(), 'vigil-electron-review-'));
  const room = path.join(work, 'room');
  const policyFile = path.join(work, 'policy.json');
  let nativeBinding: string;
  let app: ElectronApplication | null = null;

  beforeAll(async () => {
    writeFileSync(policyFile, JSON.stringify({ schemaVersion: 1, integrity: { lockdown: { quitPasswordHash: hashQuitPassword(PASSWORD, { N: 1024, r: 8, p: 1 }) } } }));
    await writeAttempt(room, 'ana-honest', 'honest', { seed: 41 });
    // The same preparation as `npm start`: build out/, and better-sqlite3 for Electron's ABI.
    const prepared = spawnSync(process.execPath, [path.join(root, 'scripts/start.mjs')], {
      cwd: root,
      env: { ...process.env, VIGIL_PREPARE_ONLY: '1' },
      encoding: 'utf8',
      timeout: 20 * 60_000,
    });
    if (prepared.status !== 0) throw new Error(`preparing the app failed: ${prepared.stderr.trim()}`);
    nativeBinding = (JSON.parse(prepared.stdout.trim().split('\n').at(-1) ?? '') as { nativeBinding: string }).nativeBinding;
  }, 20 * 60_000);

  afterAll(async () => {
    await app?.close().catch(() => undefined);
  });

  test('asks for the password, refuses the verbs until it matches, then opens the list', async () => {
    const env = { ...process.env } as Record<string, string>;
    delete env.ELECTRON_RUN_AS_NODE;
    app = await _electron.launch({
      executablePath: electron!,
      args: [root, `--native-binding=${nativeBinding}`, `--data-dir=${path.join(work, 'data')}`, `--policy=${policyFile}`, `--review=${room}`],
      cwd: root,
      env,
      timeout: 60_000,
    });
    const page = await app.firstWindow();
    await page.getByRole('heading', { level: 1, name: 'Proctor sign-in' }).waitFor({ timeout: 30_000 });
    const refused = await page.evaluate(() => (window as unknown as { vigilReview: { invoke(v: string, i: unknown): Promise<unknown> } }).vigilReview.invoke('listAttempts', {}));
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });

    const field = page.getByLabel('Proctor password');
    await field.fill('electron-review-guess');
    await field.press('Enter');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^Wrong password\. 1 wrong password/);
    const button = page.getByRole('button', { name: 'Sign in', exact: true });
    await expect.poll(() => button.isEnabled(), { timeout: 5000 }).toBe(true);
    await field.fill(PASSWORD);
    await button.click();
    await page.getByRole('heading', { level: 1, name: /Attempts in/ }).waitFor({ timeout: 30_000 });
    expect(await page.locator('.attempts-table tbody tr').count()).toBe(1);
    const outcomes = readFileSync(path.join(room, 'vigil-review-access.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { outcome: string }).outcome);
    expect(outcomes).toEqual(['wrong_password', 'signed_in']);
  });
});
