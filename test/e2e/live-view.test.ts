import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ExamServer } from '../../src-server/exam-server';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/browser-engine/chromium';
import { DEMO_EXAM, PROCTOR, register, startServerWithDemoExam } from '../exam-server-fixture';
import { accessibilityViolations } from './accessibility-check';
import { SCREENSHOT_DIR } from './exam-harness';

// The proctor's live view in Chromium: login, every attempt with its live score and reasons,
// alerts as students stream, and a signed lock that reaches the student's connection.

let server: ExamServer;
let browser: Browser;
const students: Socket[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`The e2e tests need Debian's Chromium at ${CHROMIUM}: install it with \`sudo apt-get install chromium\`.`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  for (const s of students) s.disconnect();
  await browser?.close();
  await server?.close();
});

async function student(token: string): Promise<Socket> {
  const s = io(server.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  students.push(s);
  await new Promise<void>((resolve, reject) => s.once('connect', () => resolve()).once('connect_error', reject));
  return s;
}

async function loggedIn(page: Page, credential: string): Promise<void> {
  await page.goto(`${server.url}/proctor/live?exam=${DEMO_EXAM.id}`);
  await page.getByLabel('Proctor credential').fill(credential);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('the proctor live view', () => {
  test('refuses a wrong credential, then shows attempts, live scores, alerts and sends a signed lock', async () => {
    const started = await startServerWithDemoExam({ students: ['alice', 'bob', 'carol'] });
    server = started.server;
    const alice = await register(server, 'alice', started.roster.codes.alice!);
    const bob = await register(server, 'bob', started.roster.codes.bob!);
    await register(server, 'carol', started.roster.codes.carol!);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));

    await loggedIn(page, 'not-the-proctor-credential');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/proctor credential is wrong/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-live-login.png') });
    pageErrors.length = 0; // the 403 above is logged by Chromium as a failed resource

    await loggedIn(page, PROCTOR);
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Receiving live updates');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(3);

    const a = await student(alice.token);
    const b = await student(bob.token);
    await b.emitWithAck('keystroke_data', [{ dwell: 90, flight: 120 }]);
    for (let i = 0; i < 3; i++) {
      await a.emitWithAck('focus_change', { focused: false });
      await a.emitWithAck('focus_change', { focused: true });
    }
    const aliceRow = page.locator('tr[data-session="' + alice.sessionId + '"]');
    await expect.poll(() => aliceRow.locator('.risk').textContent()).toMatch(/^60\/100/);
    await expect.poll(() => aliceRow.textContent()).toMatch(/Left the exam window/);
    await expect.poll(() => page.locator('.alerts__item').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('tbody tr').first().getAttribute('data-session')).toBe(alice.sessionId);
    expect(await page.locator(`tr[data-session="${bob.sessionId}"]`).textContent()).toMatch(/Online/);

    await aliceRow.getByRole('button', { name: 'Details for alice' }).click();
    const order = new Promise<{ order: { action: string; reason: string } }>((resolve) => a.once('proctor_order', resolve));
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').last().textContent()).toMatch(/Give a reason/);
    await page.getByLabel('Reason (required)').fill('Phone on the desk');
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    expect((await order).order).toMatchObject({ action: 'lock', reason: 'Phone on the desk' });
    await expect.poll(() => aliceRow.textContent()).toMatch(/Locked by proctor/);
    await expect.poll(() => page.locator('.order__last').textContent()).toMatch(/lock \(Phone on the desk\)/);

    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-live-view.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);
});
