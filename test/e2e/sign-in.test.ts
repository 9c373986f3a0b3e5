import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { accessibilityViolations } from './accessibility-check';
import { SCREENSHOT_DIR, useExamHarness } from './exam-harness';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { SignInGate } from '../../src-main/session/sign-in-gate';
import { startExamServer } from '../../src-server/exam-server';
import { PROCTOR, asProctor, register } from '../exam-server-fixture';

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

  test('with a system check, signing in starts no time: the words say so, and the check screen follows', async () => {
    const code = await h.accessCode('e2e-sign-in-check');
    const gate = h.signInGate({ systemCheck: async () => ({ ok: true, findings: [] }) });
    const { page } = await h.openExamPage(gate, 'Sign in to your exam');
    expect(await page.locator('#sign-in-help').textContent()).toMatch(
      /^Enter your student id and the exam access code your proctor gave you\. Vigil then checks this computer; your exam time starts only when you press Start the exam after that check\.$/,
    );
    await page.getByLabel('Student id').fill('e2e-sign-in-check');
    await page.getByLabel('Exam access code').fill(code);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-sign-in-check-first.png') });
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'System check before the exam' }).isVisible()).toBe(true);
    expect(await page.getByRole('timer').count()).toBe(0);
    const attempt = (await asProctor(h.server, 'GET', `/api/proctor/sessions/${gate.attempt!.sessionId}`)).body as { attempt: { examStartedAt: number | null } };
    expect(attempt.attempt.examStartedAt).toBeNull();
  });

  test('an unreachable server at sign-in: the student is told nothing is lost and the time has not started', async () => {
    const closed = await startExamServer({ proctorToken: PROCTOR });
    const url = closed.url;
    await closed.close();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-e2e-offline-'));
    const gate = new SignInGate({
      exam: h.exam,
      policy: h.policy,
      dataDir,
      serverUrl: url,
      appVersion: '0.1.0-e2e',
      systemCheck: async () => ({ ok: true, findings: [] }),
      log: () => {},
    });
    try {
      const { page } = await h.openExamPage(gate, 'Sign in to your exam');
      await page.getByLabel('Student id').fill('e2e-offline');
      await page.getByLabel('Exam access code').fill('ABCDE-FGHJK');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(
        /^The exam server cannot be reached, so your exam cannot be opened yet: its questions come from the server\. Nothing is lost and your time has not started\./,
      );
      // The form keeps what was typed, so signing in again is one press.
      expect(await page.getByLabel('Student id').inputValue()).toBe('e2e-offline');
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-sign-in-unreachable.png') });
      expect(await accessibilityViolations(page)).toEqual([]);
    } finally {
      await gate.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
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
