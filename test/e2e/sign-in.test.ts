import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { accessibilityViolations } from './accessibility-check';
import { SCREENSHOT_DIR, useExamHarness } from './exam-harness';
import { register } from '../exam-server-fixture';

const h = useExamHarness();

// The sign-in screen the app shows before the exam when an exam server is configured: the
// real SignInGate over the real server, in Chromium.
describe('signing in before the exam', () => {
  test('a wrong code, then a right one: the exam opens with the server\'s copy', async () => {
    const code = await h.accessCode('e2e-sign-in');
    const gate = h.signInGate({ expectLog: /^sign-in of e2e-sign-in refused: bad_access_code/ });
    const { page } = await h.openExamPage(gate, 'Sign in to your exam');
    expect(await page.getByText(h.exam.title).isVisible()).toBe(true);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('sign-in-student');

    // Empty form: said on the page, nothing sent.
    await page.getByRole('button', { name: 'Sign in and start the exam' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Enter both your student id and your exam access code.');

    await page.getByLabel('Student id').fill('e2e-sign-in');
    await page.getByLabel('Exam access code').fill('WRONG-CODE');
    await page.getByRole('button', { name: 'Sign in and start the exam' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/do not match/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-sign-in.png') });
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByLabel('Exam access code').fill(code);
    await page.getByRole('button', { name: 'Sign in and start the exam' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: h.exam.title }).isVisible()).toBe(true);
    expect(await page.getByRole('timer').isVisible()).toBe(true);
    expect(gate.attempt?.sessionId).toBeTruthy();
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  test('a second attempt refused by the server is explained to the student', async () => {
    const code = await h.accessCode('e2e-twice');
    await register(h.server, 'e2e-twice', code);
    const gate = h.signInGate({ expectLog: /^sign-in of e2e-twice refused: second_attempt/ });
    const { page } = await h.openExamPage(gate, 'Sign in to your exam');
    await page.getByLabel('Student id').fill('e2e-twice');
    await page.getByLabel('Exam access code').fill(code);
    await page.getByRole('button', { name: 'Sign in and start the exam' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/already has an attempt of yours at this exam/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-sign-in-refused.png') });
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
