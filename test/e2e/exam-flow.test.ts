import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import {
  SCREENSHOT_DIR,
  answersOf,
  essayText,
  expectAllSaved as expectAllSavedFor,
  shortText,
  useExamHarness,
} from './exam-harness';
import { accessibilityViolations } from './accessibility-check';

// The renderer in Debian's Chromium, driven by Playwright, against the real engine
// (SQLite, ledger, outbox) and the reference exam server, bridged like the preload.

const h = useExamHarness();
const expectAllSaved = (page: Page): Promise<void> => expectAllSavedFor(page, h.exam);

async function expectAnswersShown(page: Page): Promise<void> {
  await expect.poll(() => page.getByRole('radio', { name: '19.6 m/s' }).isChecked()).toBe(true);
  expect(await page.getByRole('radio', { name: 'Kinetic energy' }).isChecked()).toBe(true);
  expect(await page.getByRole('textbox', { name: /Newton's second law/ }).inputValue()).toBe(shortText);
  expect(await page.getByRole('textbox', { name: /astronauts/i }).inputValue()).toBe(essayText);
}

/** A real blur: another page of the browser comes to the front for a second, then the exam again. */
async function leaveAndReturn(context: BrowserContext, page: Page): Promise<void> {
  const other = await context.newPage();
  await other.bringToFront();
  await expect.poll(() => page.evaluate(() => document.hasFocus()), { timeout: 5000 }).toBe(false);
  // Time away counts: the harness policy charges the full points from one second away.
  await page.waitForTimeout(1100);
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
    let session = await h.startEngine(studentId);
    const sessionId = session.sessionId;
    let { page } = await h.openExamPage(session);

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
    expect(Object.keys(await answersOf(session))).toHaveLength(4);

    await page.reload();
    await expectAnswersShown(page);
    await expectAllSaved(page);

    // The engine itself goes away and comes back on the same data dir.
    await page.context().close();
    await session.close();
    session = await h.startEngine(studentId);
    expect(session.sessionId).toBe(sessionId);
    ({ page } = await h.openExamPage(session));
    await expectAnswersShown(page);
    const answers = await answersOf(session);
    expect(answers.q3).toBe(shortText);
    expect(answers.q4).toBe(essayText);
  });

  test('leaving the window and pasting from outside push risk to 100; the exam locks and is submitted with every answer', async () => {
    const session = await h.startEngine('e2e-lock');
    const { page, context } = await h.openExamPage(session);

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

    // The first time away is warned ("return to the exam") and costs nothing; each one after
    // it adds the policy's points for a second away, and counts once: not again as behaviour.
    const focusPoints = h.policy.ledger.integrityPoints.focus_lost;
    await leaveAndReturn(context, page);
    const warning = page.getByRole('alertdialog', { name: 'Return to the exam' });
    await expect.poll(() => warning.isVisible()).toBe(true);
    expect(await riskScore(page)).toBe(0);
    await warning.getByRole('button', { name: 'Back to the exam' }).click();
    await expect.poll(() => warning.isVisible()).toBe(false);
    await leaveAndReturn(context, page);
    await expect.poll(() => riskScore(page)).toBeGreaterThanOrEqual(focusPoints);
    await leaveAndReturn(context, page);
    await expect.poll(() => riskScore(page)).toBeGreaterThanOrEqual(2 * focusPoints);
    // Past the first warning mark the student is told why, prominently.
    await expect.poll(() => page.locator('.risk__warning').isVisible()).toBe(true);
    expect(await page.locator('.risk__reasons').textContent()).toMatch(/left the exam window/i);
    // The scored activity windows record the losses but do not charge them again (issue 7:
    // they used to, as focus_collapse, and four one-second losses auto-submitted an exam).
    await page.waitForTimeout(2500);
    const afterScoring = await session.getSnapshot();
    expect(afterScoring.ok && afterScoring.value.risk.reasons.filter((r) => r.source === 'behaviour')).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-exam.png') });
    expect(await accessibilityViolations(page)).toEqual([]);

    const before = await riskScore(page);
    await pasteInto(page, '#q-q4-input', 'A paragraph from a website.');
    await expect.poll(() => riskScore(page)).toBeGreaterThanOrEqual(
      Math.min(100, before + h.policy.ledger.integrityPoints.external_paste),
    );
    expect(await page.locator('.risk__reasons').textContent()).toMatch(/pasted/i);
    // Words typed just before the lock are still inside the autosave delay: the lock flushes
    // them and the submission carries them. They are typed while the exam is surely still
    // open (a second paste first could already lock it when the detectors added a few
    // behavioural points, and the locked page rightly takes no more keys).
    expect(await riskScore(page)).toBeLessThan(100);
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' Last words.');
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
    // The header's countdown stopped with the lock and says the exam is over, not time left.
    const countdown = page.locator('.countdown');
    expect(await countdown.textContent()).toMatch(/^(Locked|Submitted)Exam over$/);
    expect(await page.getByRole('timer').count()).toBe(0);

    // The engine submits by itself and the relay delivers it; the overlay says so.
    await expect.poll(() => overlay.textContent(), { timeout: 15_000 }).toMatch(/Delivered to the exam server/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-lock.png') });
    expect(await countdown.textContent()).toBe('SubmittedExam over');
    expect(await accessibilityViolations(page)).toEqual([]);

    const uploads = h.server.sessions()[session.sessionId];
    expect(uploads?.submissions).toHaveLength(1);
    const body = uploads!.submissions[0]!.body as { reason: string; answers: { questionId: string; value: string }[] };
    expect(body.reason).toBe('risk_limit');
    // Flag files raised during the session (if any: leaving no longer raises one) are for this session.
    for (const flag of uploads!.flags) expect(JSON.stringify(flag.body)).toContain(session.sessionId);
    expect(Object.fromEntries(body.answers.map((a) => [a.questionId, a.value]))).toEqual({
      q1: 'c',
      q2: 'b',
      q3: shortText,
      q4: `${essayText} Last words.`,
    });
    // The lock survives a reload: the page comes back locked, with the receipt.
    await page.reload();
    await expect.poll(() => overlay.isVisible()).toBe(true);
  });
});
