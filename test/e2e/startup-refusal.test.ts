// A production install whose policy was edited after IT signed it: the loader refuses it
// and Chromium shows the startup error page exactly as the shell serves it (same HTML, same
// response headers and CSP as app://vigil/__startup-error), naming the file and what to do.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXAM_FILE } from '../../src-main/exam/exam-files';
import { loadInstalledConfig } from '../../src-main/exam/installed-config';
import { signDocument } from '../../src-main/exam/signed-document';
import { responseHeaders } from '../../src-main/shell/app-url';
import { renderStartupErrorPage } from '../../src-main/shell/startup-error-page';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/browser-engine/chromium';
import { SCREENSHOT_DIR } from './exam-harness';

let browser: Browser;
let server: Server;
let page: string | null = null;
let url: string;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  server = createServer((_req, res) => {
    if (page === null) return void res.writeHead(404).end();
    res.writeHead(200, responseHeaders('x.html')).end(page);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/__startup-error`;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('startup error page for a tampered policy (production)', () => {
  it('refuses to start and tells the invigilator and IT what happened, in Chromium', async () => {
    const managed = mkdtempSync(path.join(tmpdir(), 'vigil-managed-'));
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(path.join(managed, 'institution.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(path.join(managed, 'exam.json'), signDocument(readFileSync(DEMO_EXAM_FILE, 'utf8'), privateKey));
    // A student (or anyone) raises the behaviour cap after IT signed the policy.
    const signed = JSON.parse(signDocument(JSON.stringify({ schemaVersion: 1, ledger: { behaviourCap: 60 } }, null, 2), privateKey));
    signed.content = signed.content.replace('60', '99');
    writeFileSync(path.join(managed, 'policy.json'), JSON.stringify(signed, null, 2));

    const config = loadInstalledConfig({ production: true, managedDir: managed, appRoot: path.dirname(path.dirname(DEMO_EXAM_FILE)), policyFile: null, examFile: null, builtInPublicKey: null });
    expect(config.ok).toBe(false);
    if (config.ok) return;
    page = renderStartupErrorPage({ ...config.error, logFile: path.join(managed, 'vigil.log') });

    const context = await browser.newContext({ viewport: { width: 900, height: 520 } });
    const tab = await context.newPage();
    const problems: string[] = [];
    tab.on('console', (m) => problems.push(`${m.type()}: ${m.text()}`));
    tab.on('pageerror', (e) => problems.push(e.message));
    const response = await tab.goto(url);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");

    await expect.poll(() => tab.getByRole('heading', { level: 1 }).textContent()).toBe('The exam policy is not signed by your institution');
    const alert = tab.getByRole('alert');
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain(`${path.join(managed, 'policy.json')}: its signature does not match its content`);
    expect(text).toContain('IT: sign the policy again with the institution key and reinstall it');
    expect(text).toContain('No answers were lost');
    expect(text).toContain(path.join(managed, 'vigil.log'));
    // Long paths and sentences wrap inside the window instead of running off it.
    expect(await tab.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await tab.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-startup-refused.png') });
    expect(problems).toEqual([]);
    await context.close();
  });
});
