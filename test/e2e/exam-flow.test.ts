import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { PolicySchema, type Exam, type Policy } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { openExamSession, type ExamSession } from '../../src-main/session/exam-session';
import { startExamServer, type ExamServer } from '../server/exam-server';
import { exposeEngine } from './engine-bridge';
import { buildRenderer, serveRenderer, type RendererServer } from './renderer-server';

// The renderer in Debian's Chromium, driven by Playwright, against the real engine
// (SQLite, ledger, outbox) and the reference exam server, bridged like the preload.

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SCREENSHOT_DIR = process.env.VIGIL_SCREENSHOT_DIR ?? tmpdir();

let renderer: RendererServer;
let server: ExamServer;
let browser: Browser;
let exam: Exam;
let policy: Policy;
let dataDir: string;
const cleanups: Array<() => Promise<unknown>> = [];
/** Console errors and warnings and uncaught page errors, from every page: the test fails on any. */
let consoleProblems: string[] = [];

beforeAll(async () => {
  const loaded = loadExamFile(DEMO_EXAM_FILE);
  if (!loaded.ok) throw new Error(loaded.error.message);
  exam = loaded.value;
  // One-second activity windows, and flag files from 'medium' up, so the few seconds of a
  // test produce scored packages and flag files as a longer exam would.
  policy = PolicySchema.parse({ schemaVersion: 1, windowSeconds: 1, classifier: { flagAtLevel: 'medium' } });
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-e2e-'));
  renderer = await serveRenderer(await buildRenderer());
  server = await startExamServer();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await renderer?.close();
  if (renderer) rmSync(renderer.outDir, { recursive: true, force: true });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  const problems = consoleProblems;
  consoleProblems = [];
  expect(problems, 'console errors/warnings in the page').toEqual([]);
});

async function startEngine(studentId: string): Promise<ExamSession> {
  const session = await openExamSession({
    exam,
    policy,
    dataDir,
    studentId,
    serverUrl: server.url,
    log: (line) => consoleProblems.push(`engine log: ${line}`),
  });
  cleanups.push(() => session.close());
  return session;
}

async function openExamPage(session: ExamSession): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  cleanups.push(() => context.close());
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleProblems.push(`page error: ${e.message}`));
  await exposeEngine(page, session);
  // The student's window has the focus, as an exam window has when it opens.
  await page.bringToFront();
  await page.goto(renderer.url);
  // Playwright tells every page it has focus; without that, switching pages really blurs.
  // After goto: the navigation moves the page to a new renderer process, which resets it.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
  await expect.poll(() => page.getByRole('heading', { level: 1, name: exam.title }).isVisible()).toBe(true);
  return { page, context };
}

const statusOf = (page: Page, questionId: string) => page.locator(`#q-${questionId}-status`);
const essayText =
  'Astronauts are in continuous free fall around the Earth. The station and everyone in it fall together, so nothing presses them against the floor.';
const shortText = 'The net force on a body equals its mass times its acceleration.';

async function expectAllSaved(page: Page): Promise<void> {
  for (const q of exam.questions) {
    await expect.poll(() => statusOf(page, q.id).textContent(), { timeout: 5000 }).toMatch(/^Saved/);
  }
}

async function expectAnswersShown(page: Page): Promise<void> {
  await expect.poll(() => page.getByRole('radio', { name: '19.6 m/s' }).isChecked()).toBe(true);
  expect(await page.getByRole('radio', { name: 'Kinetic energy' }).isChecked()).toBe(true);
  expect(await page.getByRole('textbox', { name: /Newton's second law/ }).inputValue()).toBe(shortText);
  expect(await page.getByRole('textbox', { name: /astronauts/i }).inputValue()).toBe(essayText);
}

/** A real blur: another page of the browser comes to the front, then the exam again. */
async function leaveAndReturn(context: BrowserContext, page: Page): Promise<void> {
  const other = await context.newPage();
  await other.bringToFront();
  await expect.poll(() => page.evaluate(() => document.hasFocus()), { timeout: 5000 }).toBe(false);
  await page.bringToFront();
  await expect.poll(() => page.evaluate(() => document.hasFocus()), { timeout: 5000 }).toBe(true);
  await other.close();
}

/** A paste event as the browser fires it for Ctrl+V, carrying `text` on its clipboardData. */
async function pasteInto(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).focus();
  await page.locator(selector).evaluate((el, t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

const riskScore = async (page: Page): Promise<number> =>
  Number(await page.getByRole('meter', { name: 'Integrity risk score' }).getAttribute('aria-valuenow'));

describe('the exam in Chromium against the real engine', () => {
  test('answers of every kind are autosaved and survive a reload and an engine restart', async () => {
    const studentId = 'e2e-persist';
    let session = await startEngine(studentId);
    const sessionId = session.sessionId;
    let { page } = await openExamPage(session);

    await page.getByRole('radio', { name: '19.6 m/s' }).check();
    // Keyboard only for question 2: Tab into the group, arrows move the choice.
    await page.getByRole('radio', { name: 'Momentum' }).focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('textbox', { name: /Newton's second law/ }).click();
    await page.keyboard.type(shortText);
    await page.getByRole('textbox', { name: /astronauts/i }).click();
    await page.keyboard.type(essayText);
    // While typing, the status says so; the debounce then saves.
    await expectAllSaved(page);
    expect(await page.locator('#q-q4-words').textContent()).toBe(`${essayText.split(/\s+/).length} words`);
    expect(Object.values((await session.getSnapshot()).ok ? (await getAnswers(session)) : {})).toHaveLength(4);

    await page.reload();
    await expectAnswersShown(page);
    await expectAllSaved(page);

    // The engine itself goes away and comes back on the same data dir.
    await page.context().close();
    await session.close();
    session = await startEngine(studentId);
    expect(session.sessionId).toBe(sessionId);
    ({ page } = await openExamPage(session));
    await expectAnswersShown(page);
    const answers = await getAnswers(session);
    expect(answers.q3).toBe(shortText);
    expect(answers.q4).toBe(essayText);
  });

  test('leaving the window and pasting from outside push risk to 100; the exam locks and is submitted with every answer', async () => {
    const session = await startEngine('e2e-lock');
    const { page, context } = await openExamPage(session);

    await page.getByRole('radio', { name: '19.6 m/s' }).check();
    await page.getByRole('radio', { name: 'Kinetic energy' }).check();
    await page.getByRole('textbox', { name: /Newton's second law/ }).fill(shortText);
    await page.getByRole('textbox', { name: /astronauts/i }).fill(essayText);
    await expectAllSaved(page);
    expect(await riskScore(page)).toBe(0);

    // Copying inside the exam and pasting it back is not an external paste.
    await page.getByRole('textbox', { name: /Newton's second law/ }).selectText();
    await page.keyboard.press('Control+C');
    await pasteInto(page, '#q-q4-input', shortText);
    await page.waitForTimeout(300);
    expect(await riskScore(page)).toBe(0);

    // Each real blur adds the policy's fixed points; scored activity windows may add a few
    // behavioural points on top (the focus losses show in them too).
    const focusPoints = policy.ledger.integrityPoints.focus_lost;
    await leaveAndReturn(context, page);
    await expect.poll(() => riskScore(page)).toBeGreaterThanOrEqual(focusPoints);
    await leaveAndReturn(context, page);
    await expect.poll(() => riskScore(page)).toBeGreaterThanOrEqual(2 * focusPoints);
    // Past the first warning mark the student is told why, prominently.
    await expect.poll(() => page.locator('.risk__warning').isVisible()).toBe(true);
    expect(await page.locator('.risk__reasons').textContent()).toMatch(/left the exam window/i);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-exam.png') });

    const before = await riskScore(page);
    await pasteInto(page, '#q-q4-input', 'A paragraph from a website.');
    await expect.poll(() => riskScore(page)).toBeGreaterThanOrEqual(
      Math.min(100, before + policy.ledger.integrityPoints.external_paste),
    );
    expect(await page.locator('.risk__reasons').textContent()).toMatch(/pasted/i);
    await pasteInto(page, '#q-q4-input', 'Another paragraph from elsewhere.');
    await pasteInto(page, '#q-q4-input', 'And a third one.');

    const overlay = page.getByRole('alertdialog', { name: 'This exam has been locked' });
    await expect.poll(() => overlay.isVisible()).toBe(true);
    expect(await riskScore(page)).toBe(100);
    // Focus is inside the overlay and stays there; the exam behind is inert.
    expect(await page.evaluate(() => document.activeElement?.closest('[role="alertdialog"]') !== null)).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('[role="alertdialog"]') !== null)).toBe(true);
    expect(await page.locator('.exam').getAttribute('inert')).not.toBeNull();
    expect(await overlay.textContent()).toMatch(/answers are kept/i);

    // The engine submits by itself and the relay delivers it; the overlay says so.
    await expect.poll(() => overlay.textContent(), { timeout: 15_000 }).toMatch(/Delivered to the exam server/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-lock.png') });

    const uploads = server.sessions()[session.sessionId];
    expect(uploads?.submissions).toHaveLength(1);
    const body = uploads!.submissions[0]!.body as { reason: string; answers: { questionId: string; value: string }[] };
    expect(body.reason).toBe('risk_limit');
    // The flag files raised during the session reached the server too, all for this session.
    expect(uploads!.flags.length).toBeGreaterThan(0);
    for (const flag of uploads!.flags) expect(JSON.stringify(flag.body)).toContain(session.sessionId);
    expect(Object.fromEntries(body.answers.map((a) => [a.questionId, a.value]))).toEqual({
      q1: 'c',
      q2: 'b',
      q3: shortText,
      q4: essayText,
    });
    // The lock survives a reload: the page comes back locked, with the receipt.
    await page.reload();
    await expect.poll(() => overlay.isVisible()).toBe(true);
  });
});

async function getAnswers(session: ExamSession): Promise<Record<string, string>> {
  const r = await session.getSnapshot();
  if (!r.ok) throw new Error(r.error.message);
  return Object.fromEntries(Object.values(r.value.answers).map((a) => [a.questionId, a.value]));
}
