import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { asProctor } from '../exam-server-fixture';
import { accessibilityViolations } from './accessibility-check';
import { SCREENSHOT_DIR, answersOf, shortText, useExamHarness } from './exam-harness';

// A proctor's signed pause (issue 12) on the real page: the exam is covered and inert, the
// answers stay, nothing is submitted, and the resume gives the exam back as it was.

const h = useExamHarness();

describe('a proctor pauses and resumes the exam', () => {
  test('the overlay says so and keeps focus; nothing is submitted; unlock gives the exam back', async () => {
    const session = await h.startEngine('e2e-pause');
    const { page } = await h.openExamPage(session);
    await page.locator('#q-q3-input').fill(shortText);
    await expect.poll(async () => (await answersOf(session)).q3).toBe(shortText);
    await expect.poll(() => h.server.live.isOnline(session.sessionId)).toBe(true);

    const lock = await asProctor(h.server, 'POST', `/api/proctor/sessions/${session.sessionId}/orders`, { action: 'lock', reason: 'Please put your phone away.' });
    expect(lock.status).toBe(201);
    const overlay = page.getByRole('alertdialog', { name: 'Your proctor has paused the exam' });
    await expect.poll(() => overlay.isVisible()).toBe(true);
    expect(await overlay.textContent()).toMatch(/Please put your phone away\..*answers are kept \(1 saved\)\. Nothing has been submitted/);
    expect(await overlay.textContent()).toMatch(/Your exam clock is stopped while the exam is paused: the exam server adds the paused time to your deadline/);
    // The countdown behind the overlay stands still.
    await expect.poll(() => page.locator('.countdown__label').textContent()).toBe('Paused');
    const shown = await page.getByRole('timer').textContent();
    await page.waitForTimeout(1200);
    expect(await page.getByRole('timer').textContent()).toBe(shown);
    expect(await page.locator('.exam').getAttribute('inert')).not.toBeNull();
    expect(await page.evaluate(() => document.activeElement?.closest('[role="alertdialog"]') !== null)).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-e2e-proctor-pause.png') });
    expect(await accessibilityViolations(page)).toEqual([]);
    const held = await session.getSnapshot();
    expect(held.ok && held.value).toMatchObject({ phase: 'active', submission: null, proctorHold: { reason: 'Please put your phone away.' } });
    const deadlineHeld = held.ok ? held.value.deadline! : 0;

    const unlock = await asProctor(h.server, 'POST', `/api/proctor/sessions/${session.sessionId}/orders`, { action: 'unlock', reason: 'Thank you.' });
    expect(unlock.status).toBe(201);
    await expect.poll(() => overlay.count()).toBe(0);
    // The server's signed unlock moved the deadline by the time the pause took; the app applied it.
    const given = (unlock.body as { order: { deadline: number } }).order.deadline - (lock.body as { order: { deadline: number } }).order.deadline;
    expect(given).toBeGreaterThan(1000);
    const resumed = await session.getSnapshot();
    expect(Math.abs((resumed.ok ? resumed.value.deadline! : 0) - deadlineHeld - given)).toBeLessThan(100);
    await expect.poll(() => page.locator('.countdown__label').textContent()).toBe('Time left');
    expect(await page.locator('.exam').getAttribute('inert')).toBeNull();
    expect(await page.locator('#q-q3-input').inputValue()).toBe(shortText);
    expect(h.server.sessions()[session.sessionId]?.submissions ?? []).toHaveLength(0);
  });
});
