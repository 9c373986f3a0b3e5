import path from 'node:path';
import type { VigilApi } from '../../src-main/contract';
import { describe, expect, test } from 'vitest';
import { accessibilityViolations } from './accessibility-check';
import { SCREENSHOT_DIR, answersOf, essayText, shortText, statusOf, useExamHarness } from './exam-harness';

// The parts of the exam UI a student meets when something is not routine: submitting by
// hand, the server being away, a save failing, no engine at all.

const h = useExamHarness();

describe('the exam UI at its edges', () => {
  test('submitting takes a confirm step by keyboard; the receipt says queued, then delivered once the server is back', async () => {
    const session = await h.startEngine('e2e-submit', { expectLog: /^upload: HTTP 503/ });
    const { page } = await h.openExamPage(session);
    await page.getByRole('radio', { name: '9.8 m/s' }).check();
    await page.getByRole('textbox', { name: /Newton's second law/ }).fill(shortText);
    for (const id of ['q1', 'q3']) await expect.poll(() => statusOf(page, id).textContent()).toMatch(/^Saved/);

    const open = page.getByRole('button', { name: 'Submit exam…' });
    await open.focus();
    await page.keyboard.press('Enter');
    // The safe choice has focus; Enter on it goes back to the exam, focus returns to the button.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep working');
    expect(await page.getByRole('group', { name: /Submit your exam now/ }).textContent()).toMatch(/answered 2 of 4 questions \(2 unanswered\)/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Submit exam…');
    // Escape backs out too.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Submit exam…');

    h.server.setAvailable(false);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Yes, submit now');
    await page.keyboard.press('Enter');

    const heading = page.getByRole('heading', { name: 'Exam submitted' });
    await expect.poll(() => heading.isVisible()).toBe(true);
    const card = page.locator('.submitted__card');
    expect(await card.textContent()).toMatch(/2 of 4 questions answered/);
    expect(await card.textContent()).toMatch(/You submitted the exam/);
    await expect.poll(() => card.textContent()).toMatch(/Queued on this computer/);

    h.server.setAvailable(true);
    // The relay retries with backoff until the server has it.
    await expect
      .poll(() => h.server.sessions()[session.sessionId]?.submissions.length ?? 0, { timeout: 30_000, interval: 250 })
      .toBe(1);
    // The engine marks the receipt delivered when it flushes the outbox (after submitting, and
    // in the shell before quitting); a delivery by the relay's own retry does not emit a
    // snapshot yet, so flush as the shell would. The screen follows the snapshot.
    await session.flushUploads();
    await expect.poll(() => card.textContent()).toMatch(/Delivered: the exam server has received your submission/);
    expect(h.server.sessions()[session.sessionId]?.submissions).toHaveLength(1);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-submitted.png') });
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 45_000);

  test('the proctor quit dialog: a wrong password shows the wait and holds the button; the engine refuses a try during it unchecked', async () => {
    const session = await h.startEngine('e2e-quit-wait');
    const { page } = await h.openExamPage(session);
    await page.keyboard.press('Control+Alt+Shift+L');
    const dialog = page.getByRole('dialog', { name: 'Proctor: close Vigil' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const field = dialog.getByLabel('Quit password');
    for (const guess of ['guess-one', 'guess-two']) {
      await field.fill(guess);
      await dialog.getByRole('button', { name: /^Close Vigil/ }).click();
      await expect.poll(() => dialog.getByRole('status').isVisible()).toBe(true);
      // The second wait is two seconds: let the first pass before the second guess.
      if (guess === 'guess-one') await expect.poll(() => dialog.getByRole('status').isVisible(), { timeout: 5000 }).toBe(false);
    }
    expect(await dialog.getByRole('alert').textContent()).toMatch(/not the quit password\. 2 wrong passwords in a row/);
    expect(await dialog.getByRole('status').textContent()).toMatch(/Wait [12] s before the next try/);
    const button = dialog.getByRole('button', { name: /^Close Vigil \(in [12] s\)/ });
    expect(await button.isDisabled()).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-quit-wait.png') });
    // Past the page: the engine itself refuses a password during the wait, without checking it.
    const early = await page.evaluate(() => (window as unknown as { vigil: VigilApi }).vigil.requestQuit({ password: 'guess-three' }));
    expect(early).toMatchObject({ ok: true, value: { allowed: false, tooSoon: true, wrongPasswords: 2 } });
    // Once the wait is over the button is back.
    const ready = dialog.getByRole('button', { name: 'Close Vigil', exact: true });
    await expect.poll(() => ready.isVisible(), { timeout: 5000 }).toBe(true);
    expect(await dialog.getByRole('status').count()).toBe(0);
    await field.fill('guess-four');
    expect(await ready.isDisabled()).toBe(false);
  }, 30_000);

  test('window.vigil checks each payload as main does: a bad one is refused as a value and reported, never reaching the engine', async () => {
    const session = await h.startEngine('e2e-bridge-validation');
    const rejected: Array<[string, string]> = [];
    const { page } = await h.openExamPage(session, undefined, { onRejected: (c, r) => rejected.push([c, r]) });
    type WithVigil = { vigil: VigilApi };
    expect(await page.evaluate(() => Object.keys((window as unknown as WithVigil).vigil))).toEqual([
      'getSnapshot',
      'saveAnswer',
      'reportWindowEvent',
      'submit',
      'lockFlushed',
      'signIn',
      'runSystemCheck',
      'startExam',
      'acknowledgeWarning',
      'requestQuit',
      'onSnapshot',
    ]);
    const bad = await page.evaluate(() =>
      (window as unknown as WithVigil).vigil.saveAnswer({ questionId: '../etc', value: 'x', admin: true } as never),
    );
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(rejected).toEqual([['vigil:save-answer', expect.stringContaining('vigil:save-answer')]]);
    const snapshot = await session.getSnapshot();
    expect(snapshot.ok && Object.keys(snapshot.value.answers)).toEqual([]);

    const good = await page.evaluate(() =>
      (window as unknown as WithVigil).vigil.saveAnswer({ questionId: 'q1', value: 'b', admin: true } as never),
    );
    expect(good).toMatchObject({ ok: true, value: { questionId: 'q1', value: 'b', revision: 1 } });
    expect(good.ok && Object.keys(good.value).sort()).toEqual(['questionId', 'revision', 'savedAt', 'value']);
    expect(rejected).toHaveLength(1);
  });

  test('a failed save keeps the text on screen, says why, and is retried until it lands', async () => {
    const session = await h.startEngine('e2e-save-failure');
    // The engine refuses the first two saves as if its disk were failing, then recovers.
    let failuresLeft = 2;
    const flaky: VigilApi = {
      getSnapshot: () => session.getSnapshot(),
      reportWindowEvent: (e) => session.reportWindowEvent(e),
      submit: (i) => session.submit(i),
      lockFlushed: () => session.lockFlushed(),
      signIn: () => session.signIn(),
      runSystemCheck: () => session.runSystemCheck(),
      startExam: () => session.startExam(),
      acknowledgeWarning: (i) => session.acknowledgeWarning(i),
      requestQuit: (i) => session.requestQuit(i),
      onSnapshot: (l) => session.onSnapshot(l),
      saveAnswer: async (input) => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          return { ok: false, error: { code: 'storage_failed', message: 'Vigil could not write to its local database' } };
        }
        return session.saveAnswer(input);
      },
    };
    const { page } = await h.openExamPage(flaky);
    const essay = page.getByRole('textbox', { name: /astronauts/i });
    await essay.fill(essayText);
    await essay.blur();

    await expect.poll(() => statusOf(page, 'q4').textContent()).toMatch(/^Not saved: Vigil could not write to its local database/);
    expect(await statusOf(page, 'q4').getAttribute('role')).toBe('alert');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await essay.inputValue()).toBe(essayText);
    await expect.poll(() => statusOf(page, 'q4').textContent(), { timeout: 10_000 }).toMatch(/^Saved/);
    expect(await essay.inputValue()).toBe(essayText);
    expect((await answersOf(session)).q4).toBe(essayText);
  });

  test('text typed just before the page goes away (reload, close) is saved without waiting for the debounce', async () => {
    const session = await h.startEngine('e2e-pagehide');
    const { page } = await h.openExamPage(session);
    await page.getByRole('textbox', { name: /Newton's second law/ }).fill(shortText);
    // Well inside the 300 ms debounce: only the pagehide flush can have sent it.
    await page.reload();
    await expect.poll(() => page.getByRole('textbox', { name: /Newton's second law/ }).inputValue()).toBe(shortText);
    expect((await answersOf(session)).q3).toBe(shortText);
  });

  test('when time runs out the timer says so and the exam is submitted with what was saved', async () => {
    const shortExam = { ...h.exam, id: 'demo-short', title: 'Six-second quiz', durationMinutes: 0.1 };
    const session = await h.startEngine('e2e-time-up', { exam: shortExam });
    const { page } = await h.openExamPage(session, shortExam.title);
    expect(await page.getByRole('timer').textContent()).toMatch(/^0:0[0-6]$/);
    await page.getByRole('radio', { name: 'Mass' }).check();
    await expect.poll(() => statusOf(page, 'q2').textContent()).toMatch(/^Saved/);

    const card = page.locator('.submitted__card');
    await expect.poll(() => card.textContent(), { timeout: 15_000 }).toMatch(/Time ran out/);
    expect(await card.textContent()).toMatch(/1 of 4 questions answered/);
    await expect.poll(() => h.server.sessions()[session.sessionId]?.submissions.length ?? 0).toBe(1);
    const body = h.server.sessions()[session.sessionId]!.submissions[0]!.body as { reason: string; answers: unknown[] };
    expect(body.reason).toBe('time_up');
    expect(body.answers).toHaveLength(1);
  });

  test('without a configured server the student is told that uploads are queued', async () => {
    const session = await h.startEngine('e2e-offline', { serverUrl: null });
    const { page } = await h.openExamPage(session);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'No exam server is configured' }).isVisible()).toBe(true);
  });

  test('opened outside Vigil (no window.vigil) the page says so instead of failing silently', async () => {
    const { page } = await h.openBarePage();
    await expect.poll(() => page.getByRole('heading', { name: 'The exam could not be opened' }).isVisible()).toBe(true);
    expect(await page.getByRole('alert').textContent()).toMatch(/opened outside Vigil/);
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
