import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PENDING_START_NOTICE } from '../../src-main/session/server-exam-time';
import { SignInGate } from '../../src-main/session/sign-in-gate';
import { describe, expect, test } from 'vitest';
import { asProctor } from '../exam-server-fixture';
import { accessibilityViolations } from './accessibility-check';
import { SCREENSHOT_DIR, useExamHarness } from './exam-harness';

// The pre-exam system check screen and the warn-before-points overlay, in Chromium against
// the real engine. The machine check itself is capture/integrity's (tested there); here a
// scripted check says what the student must fix, then that it is fixed.

const h = useExamHarness();

describe('before and around the exam', () => {
  test('the system check says what to close, re-checks, and the timer starts only at Start', async () => {
    let closed = false;
    let runs = 0;
    // Unregistered (no exam server): the exam's own time starts at Start, so the deadline is
    // exactly start + duration. A registered attempt's deadline is the server's.
    const session = await h.startEngine('e2e-check', {
      serverUrl: null,
      systemCheck: async () => {
        runs++;
        const warn = { kind: 'capture_unavailable', severity: 'warn' as const, message: 'Vigil cannot watch this part of the computer (wayland): OS-level capture is limited on Wayland.' };
        return closed
          ? { ok: true, findings: [warn] }
          : {
              ok: false,
              findings: [
                { kind: 'prohibited_app', severity: 'block' as const, message: 'Close these applications: ChatGPT (AI assistant), Discord (communication).' },
                { kind: 'second_display', severity: 'block' as const, message: 'Disconnect the second display: only one screen may be used during the exam (2 displays: eDP-1, HDMI-1).' },
                warn,
              ],
            };
      },
    });
    const { page } = await h.openExamPage(session, 'System check before the exam');

    const start = page.getByRole('button', { name: /^Start the exam/ });
    await expect.poll(() => page.getByRole('region', { name: 'Fix before you start' }).textContent()).toMatch(/Close these applications: ChatGPT/);
    expect(await page.getByRole('region', { name: 'Fix before you start' }).textContent()).toMatch(/Disconnect the second display/);
    expect(await page.getByRole('region', { name: 'Noted for your proctor' }).textContent()).toMatch(/Wayland/);
    expect(await start.isDisabled()).toBe(true);
    // No timer yet: the exam's time has not started.
    expect(await page.getByRole('timer').count()).toBe(0);
    const before = await session.getSnapshot();
    expect(before.ok && before.value).toMatchObject({ phase: 'checking', startedAt: null, deadline: null });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-system-check.png') });
    expect(await accessibilityViolations(page)).toEqual([]);

    // The student closes the apps and unplugs the display, then checks again.
    closed = true;
    await page.getByRole('button', { name: 'Check again' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Fix before you start' }).count()).toBe(0);
    await expect.poll(() => start.isEnabled()).toBe(true);
    expect(await start.textContent()).toBe('Start the exam with these notes');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-system-check-clean.png') });
    expect(await accessibilityViolations(page)).toEqual([]);

    const runsBeforeStart = runs;
    await start.click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: h.exam.title }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('timer').isVisible()).toBe(true);
    // Start checked the machine once more before it started the time.
    expect(runs).toBe(runsBeforeStart + 1);
    const after = await session.getSnapshot();
    if (!after.ok) throw new Error(after.error.message);
    expect(after.value.phase).toBe('active');
    // The deadline is carried on the monotonic clock and shown in whole milliseconds: start +
    // duration, to the millisecond.
    expect(Math.abs(after.value.deadline! - after.value.startedAt! - h.exam.durationMinutes * 60_000)).toBeLessThanOrEqual(1);
  });

  test('with the exam server, the time starts on the server at Start, or at the latest when the check window ends', async () => {
    const session = await h.startEngine('e2e-check-server', { systemCheck: async () => ({ ok: true, findings: [] }) });
    const { page } = await h.openExamPage(session, 'System check before the exam');
    const before = await session.getSnapshot();
    if (!before.ok) throw new Error(before.error.message);
    expect(before.value).toMatchObject({ phase: 'checking', deadline: null });
    const startBy = before.value.startBy!;
    // The server allows the exam's check window (15 minutes by default) after sign-in.
    expect(startBy - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(startBy - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    const intro = page.locator('.check__intro');
    await expect.poll(() => intro.textContent()).toMatch(/timer starts when you press Start the exam, or at .* if you have not started by then/);
    const server = await asProctor(h.server, 'GET', `/api/proctor/sessions/${session.sessionId}`);
    expect(server.body).toMatchObject({ attempt: { examStartedAt: null } });
    await expect.poll(() => page.getByRole('button', { name: 'Start the exam' }).isEnabled()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-system-check-server.png') });
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Start the exam' }).click();
    await expect.poll(() => page.getByRole('timer').isVisible()).toBe(true);
    const started = ((await asProctor(h.server, 'GET', `/api/proctor/sessions/${session.sessionId}`)).body as { attempt: { examStartedAt: number; deadline: number } }).attempt;
    expect(started.deadline - started.examStartedAt).toBe(h.exam.durationMinutes * 60_000);
    const after = await session.getSnapshot();
    if (!after.ok) throw new Error(after.error.message);
    // The page's deadline is the server's, through the clock reading of the start's answer.
    expect(Math.abs(after.value.deadline! - Date.now() - (started.deadline - Date.now()))).toBeLessThan(2000);
  });

  test('Start while the exam server cannot be reached: the exam starts, and the student is told the server hears of it later', async () => {
    const code = await h.accessCode('e2e-start-offline');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-e2e-start-offline-'));
    let startReachable = false;
    const gate = new SignInGate({
      exam: h.exam,
      policy: h.policy,
      dataDir,
      serverUrl: h.server.url,
      appVersion: '0.1.0-e2e',
      systemCheck: async () => ({ ok: true, findings: [] }),
      fetch: (input, init) => (String(input).endsWith('/start') && !startReachable ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init)),
      log: () => {},
    });
    try {
      const signedIn = await gate.signIn({ studentId: 'e2e-start-offline', accessCode: code });
      if (!signedIn.ok) throw new Error(signedIn.error.message);
      const { page } = await h.openExamPage(gate, 'System check before the exam');
      const start = page.getByRole('button', { name: 'Start the exam' });
      await expect.poll(() => start.isEnabled()).toBe(true);
      await start.click();
      await expect.poll(() => page.getByRole('timer').isVisible()).toBe(true);
      await expect.poll(() => page.getByText(PENDING_START_NOTICE).isVisible()).toBe(true);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-start-offline.png') });
      expect(await accessibilityViolations(page)).toEqual([]);
      const view = await asProctor(h.server, 'GET', `/api/proctor/sessions/${gate.attempt!.sessionId}`);
      expect(view.body).toMatchObject({ attempt: { examStartedAt: null } });
    } finally {
      startReachable = true;
      await gate.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('once the check window is over, the check screen says the time is running', async () => {
    const put = await asProctor(h.server, 'PUT', `/api/proctor/exams/${h.exam.id}`, { exam: h.exam, secondAttempt: 'refuse', maxCheckMinutes: 0 });
    expect(put.status).toBe(200);
    try {
      const session = await h.startEngine('e2e-check-late', { systemCheck: async () => ({ ok: true, findings: [] }) });
      const { page } = await h.openExamPage(session, 'System check before the exam');
      const late = page.getByRole('alert').filter({ hasText: 'timer has been running since' });
      await expect.poll(() => late.textContent()).toMatch(/Your \d+-minute timer has been running since .*: the time the exam server allows for this check is over\. Start the exam as soon as you can\./);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-system-check-late.png') });
      expect(await accessibilityViolations(page)).toEqual([]);
    } finally {
      await asProctor(h.server, 'PUT', `/api/proctor/exams/${h.exam.id}`, { exam: h.exam, secondAttempt: 'refuse' });
    }
  });

  test('the first time away shows "return to the exam" before any points are added', async () => {
    const session = await h.startEngine('e2e-warning');
    const { page, context } = await h.openExamPage(session);
    const other = await context.newPage();
    await other.bringToFront();
    await expect.poll(() => page.evaluate(() => document.hasFocus()), { timeout: 5000 }).toBe(false);
    await page.waitForTimeout(1500);
    await page.bringToFront();
    await other.close();

    const warning = page.getByRole('alertdialog', { name: 'Return to the exam' });
    await expect.poll(() => warning.isVisible()).toBe(true);
    expect(await warning.textContent()).toMatch(/You left the exam window: switched to another window, away 1\.\d s\. This time it costs nothing/);
    expect(await page.getByRole('meter', { name: 'Integrity risk score' }).getAttribute('aria-valuenow')).toBe('0');
    // The button has focus; the exam behind is inert until the student is back.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Back to the exam');
    expect(await page.locator('.exam').getAttribute('inert')).not.toBeNull();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-return-warning.png') });
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.keyboard.press('Enter');
    await expect.poll(() => warning.isVisible()).toBe(false);
    expect(await page.locator('.exam').getAttribute('inert')).toBeNull();
    const snap = await session.getSnapshot();
    expect(snap.ok && snap.value.risk.score).toBe(0);
  });

  test("the proctor's quit dialog refuses a wrong password, and the exam stays open", async () => {
    const session = await h.startEngine('e2e-proctor');
    const { page } = await h.openExamPage(session);
    await page.keyboard.press('Control+Alt+Shift+L');
    const dialog = page.getByRole('dialog', { name: 'Proctor: close Vigil' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByLabel('Quit password').fill('not-the-password');
    await dialog.getByRole('button', { name: 'Close Vigil' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/not the quit password/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-proctor-quit.png') });
    expect(await accessibilityViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    const snap = await session.getSnapshot();
    expect(snap.ok && snap.value.phase).toBe('active');
  });
});
