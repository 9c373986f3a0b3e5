// The proctor's sign-in in front of the review, in Chromium, through the same bridge the
// review e2e uses (window.vigilReview, as the Electron preload gives it), on real attempt
// databases. The gate is the app's: ProctorGate with a policy's proctor password hash.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashQuitPassword } from '../../src-main/exam/quit-password';
import { ProctorGate } from '../../src-main/review/proctor-gate';
import { REVIEW_ACCESS_LOG_NAME } from '../../src-main/review/review-access-log';
import { ReviewService } from '../../src-main/review/review-service';
import { writeAttempt } from '../review/attempt-fixtures';
import { fingerprint } from '../review/review-room';
import { accessibilityViolations } from './accessibility-check';
import { buildRenderer, serveRenderer, type RendererServer } from '../../scripts/browser-engine/renderer-server';
import { CHROMIUM, CHROMIUM_ARGS, createPdfPrinter, exposeReview } from '../../scripts/browser-engine/review-bridge';

const SHOTS = path.resolve(process.env.VIGIL_SCREENSHOT_DIR ?? 'test-results/review');
const PASSWORD = 'room-12-proctor';

let work: string;
let room: string;
let before: Record<string, string>;
let renderer: RendererServer;
let browser: Browser;
let gate: ProctorGate;
let printer: ReturnType<typeof createPdfPrinter>;
const problems: string[] = [];
const isReviewOutput = (name: string): boolean => name === 'vigil-review.json' || name === REVIEW_ACCESS_LOG_NAME;
const accessLog = (): string[] =>
  readFileSync(path.join(room, REVIEW_ACCESS_LOG_NAME), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { outcome: string }).outcome);

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`The e2e tests need Debian's Chromium at ${CHROMIUM}: install it with \`sudo apt-get install chromium\`.`);
  mkdirSync(SHOTS, { recursive: true });
  work = mkdtempSync(path.join(tmpdir(), 'vigil-review-gate-e2e-'));
  room = path.join(work, 'room');
  await writeAttempt(room, 'ana-honest', 'honest', { seed: 31 });
  await writeAttempt(room, 'cleo-flagged', 'flagged', { seed: 33 });
  before = fingerprint(room);
  renderer = await serveRenderer(await buildRenderer());
  printer = createPdfPrinter(renderer.url, () => gate);
  const service = new ReviewService({ source: room, exportDir: path.join(work, 'exports'), printPdf: (id) => printer.print(id) });
  // The policy's format (exam/quit-password.ts) at a lower cost: this tests the gate, not scrypt.
  gate = new ProctorGate({ service, passwordHash: hashQuitPassword(PASSWORD, { N: 1024, r: 8, p: 1 }), root: service.root });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await printer?.close();
  await renderer?.close();
  if (renderer) rmSync(renderer.outDir, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

async function openReview(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await exposeReview(page, () => gate);
  await page.goto(`${renderer.url}review.html`);
  return page;
}

describe('the proctor sign-in in front of the review', () => {
  let page: Page;

  it('asks for the proctor password first, with the field focused, and shows nothing of the attempts', async () => {
    page = await openReview();
    await page.getByRole('heading', { level: 1, name: 'Proctor sign-in' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('proctor-password');
    expect(await page.getByLabel('Proctor password').getAttribute('type')).toBe('password');
    expect(await page.locator('.attempts-table').count()).toBe(0);
    expect(await page.textContent('body')).not.toMatch(/ana-honest|cleo-flagged/);
    expect(await page.title()).toBe('Vigil review: proctor sign-in');
    await page.screenshot({ path: path.join(SHOTS, 'review-sign-in.png') });
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('refuses the review verbs called from the page itself before the sign-in (main enforces it, not the page)', async () => {
    const results = await page.evaluate(async () => {
      const api = (window as unknown as { vigilReview: { invoke(v: string, i: unknown): Promise<{ ok: boolean; error?: { code: string } }> } }).vigilReview;
      return Promise.all([
        api.invoke('listAttempts', {}),
        api.invoke('openAttempt', { id: 'ana-honest.sqlite' }),
        api.invoke('saveReview', { id: 'ana-honest.sqlite', disposition: 'no_issue', notes: 'signed off by the student' }),
        api.invoke('exportAttempt', { id: 'ana-honest.sqlite', format: 'flags.csv' }),
      ]);
    });
    expect(results.map((r) => [r.ok, r.error?.code])).toEqual(Array(4).fill([false, 'not_signed_in']));
    expect(existsSync(path.join(room, 'vigil-review.json'))).toBe(false);
    expect(existsSync(path.join(work, 'exports'))).toBe(false);
  });

  it('announces a wrong password, keeps the focus in the field, and makes the next try wait', async () => {
    const field = page.getByLabel('Proctor password');
    await field.fill('room-12-student');
    await field.press('Enter');
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toBe('Wrong password. 1 wrong password since the last proctor sign-in; try again in 1 s.');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.getAttribute('aria-describedby')).toContain('sign-in-error');
    expect(await field.inputValue()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('proctor-password');
    expect(await page.locator('.sign-in-record').textContent()).toMatch(/^1 wrong password was tried since the last proctor sign-in \(the last at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)\. Every try is recorded in .*vigil-review-access\.jsonl, never the password\.$/);
    expect(accessLog()).toEqual(['wrong_password']);

    // A second wrong one doubles the wait; the button says so while it runs.
    await expect.poll(() => page.getByRole('button', { name: 'Sign in', exact: true }).isEnabled(), { timeout: 5000 }).toBe(true);
    await field.fill('room-12-guess');
    await field.press('Enter');
    await expect.poll(() => alert.textContent()).toMatch(/^Wrong password\. 2 wrong passwords since the last proctor sign-in; try again in 2 s\.$/);
    expect(await page.getByRole('button', { name: /Sign in \(wait \d s\)/ }).isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'review-sign-in-wrong.png') });
    expect(await accessibilityViolations(page)).toEqual([]);
    // Enter while the wait runs sends nothing to main.
    await field.fill(PASSWORD);
    await field.press('Enter');
    await page.waitForTimeout(300);
    expect(accessLog()).toEqual(['wrong_password', 'wrong_password']);
  });

  it('opens the review with the right password and tells the proctor how many wrong ones came before', async () => {
    const button = page.getByRole('button', { name: 'Sign in', exact: true });
    await expect.poll(() => button.isEnabled(), { timeout: 5000 }).toBe(true);
    const field = page.getByLabel('Proctor password');
    await field.fill(PASSWORD);
    await button.click();
    await page.getByRole('heading', { level: 1, name: /Attempts in/ }).waitFor();
    await expect.poll(() => page.locator('.attempts-table tbody tr').count()).toBe(2);
    expect(await page.getByRole('banner').locator('p').textContent()).toMatch(
      /^Signed in as proctor\. 2 wrong passwords were tried before this sign-in, the last at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\. Every try is recorded in .*vigil-review-access\.jsonl\.$/,
    );
    expect(accessLog()).toEqual(['wrong_password', 'wrong_password', 'signed_in']);
    await page.screenshot({ path: path.join(SHOTS, 'review-signed-in.png') });
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('after the sign-in the review works as before, and the printed report carries no sign-in notice', async () => {
    await page.getByRole('button', { name: 'cleo-flagged' }).click();
    await page.getByRole('heading', { level: 1, name: /cleo-flagged/ }).waitFor();
    await page.getByRole('button', { name: 'PDF report', exact: true }).click();
    const status = page.locator('section[aria-labelledby=export-heading] [role=status]');
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/^Saved .*\.report\.pdf$/);
    const pdf = (await status.textContent())!.replace(/^Saved /, '');
    expect(path.dirname(pdf)).toBe(path.join(work, 'exports'));
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toMatch(/Vigil attempt report: cleo-flagged/);
    expect(text).not.toMatch(/Signed in as proctor/);
  });

  it('locks again with "Lock the review": the verbs are refused until the next sign-in', async () => {
    await page.getByRole('button', { name: 'Lock the review' }).click();
    await page.getByRole('heading', { level: 1, name: 'Proctor sign-in' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('proctor-password');
    const refused = await page.evaluate(() => (window as unknown as { vigilReview: { invoke(v: string, i: unknown): Promise<{ ok: boolean; error?: { code: string } }> } }).vigilReview.invoke('listAttempts', {}));
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });
    await page.getByLabel('Proctor password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /cleo-flagged/ }).waitFor();
    expect(await page.getByRole('banner').locator('p').textContent()).toMatch(/^Signed in as proctor\. No wrong password was tried since the previous proctor sign-in \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)\./);
    expect(accessLog()).toEqual(['wrong_password', 'wrong_password', 'signed_in', 'signed_out', 'signed_in']);
    await page.screenshot({ path: path.join(SHOTS, 'review-signed-in-attempt.png') });
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('opened straight at an attempt while locked, asks for the password, then draws that attempt (the page asks for it again once signed in)', async () => {
    const id = new ReviewService({ source: room }).list().attempts.find((a) => a.id.includes('cleo-flagged'))!.id;
    expect(await gate.invoke('proctorSignOut', {})).toMatchObject({ ok: true });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    context.setDefaultTimeout(10_000);
    const direct = await context.newPage();
    direct.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await exposeReview(direct, () => gate);
    await direct.goto(`${renderer.url}review.html#/attempt/${encodeURIComponent(id)}`);
    await direct.getByRole('heading', { level: 1, name: 'Proctor sign-in' }).waitFor();
    expect(await direct.textContent('body')).not.toMatch(/cleo-flagged/);
    await direct.getByLabel('Proctor password').fill(PASSWORD);
    await direct.getByRole('button', { name: 'Sign in', exact: true }).click();
    await direct.getByRole('heading', { level: 1, name: /cleo-flagged/ }).waitFor();
    await direct.waitForSelector('.timeline-chart[data-drawn="true"]');
    expect(await direct.locator('[role=alert]').count()).toBe(0);
    await context.close();
  });

  it('left every attempt database byte-identical (only the review file and the sign-in log are new)', () => {
    const after = fingerprint(room, isReviewOutput);
    expect(after).toEqual(before);
    expect(problems).toEqual([]);
  });
});
