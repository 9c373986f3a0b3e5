import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ExamServer } from '../../src-server/exam-server';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/browser-engine/chromium';
import type { LiveFlagReport, LiveRiskReport } from '../../src-main/contract/live-report';
import { DEMO_EXAM, PROCTOR, asProctor, register, startServerWithDemoExam, upload } from '../exam-server-fixture';
import type { LiveExamSnapshot } from '../../src-main/contract/live-view';
import { flagFileFor } from '../flag-file-factory';
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
    // Carol's app checks the machine first: her exam's time has not started.
    const carol = await register(server, 'carol', started.roster.codes.carol!, { awaitsCheck: true });

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
    // Before Start the row says so and when the time starts at the latest, not the cap as a deadline.
    const carolRow = page.locator(`tr[data-session="${carol.sessionId}"]`);
    expect(await carolRow.textContent()).toMatch(/At system check \(offline\)/);
    expect(await carolRow.textContent()).toMatch(/Not started: must start by \d\d:\d\d( [AP]M)? \(deadline \d\d:\d\d( [AP]M)? at the latest\)/);
    expect(await page.locator(`tr[data-session="${bob.sessionId}"]`).textContent()).not.toMatch(/system check|Not started/);

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

    // Carol presses Start: the server has her exam's start, and the row shows her deadline.
    const start = await fetch(`${server.url}/api/sessions/${carol.sessionId}/start`, { method: 'POST', headers: { authorization: `Bearer ${carol.token}` } });
    expect(start.status).toBe(201);
    const snapshot = (await asProctor(server, 'GET', `/api/proctor/live/exams/${DEMO_EXAM.id}`)).body as LiveExamSnapshot;
    const carolNow = snapshot.attempts.find((r) => r.sessionId === carol.sessionId)!;
    expect(carolNow.examStartedAt).not.toBeNull();
    expect(carolNow.startBy).toBeNull();
    expect(carolNow.deadline).toBe(carolNow.examStartedAt! + DEMO_EXAM.durationMinutes * 60_000);
    await loggedIn(page, PROCTOR);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(3);
    expect(await carolRow.textContent()).not.toMatch(/system check|Not started/);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);

  test("drills into an attempt that streamed risk and flags: the review's timeline chart and flag table, updated live", async () => {
    await server?.close();
    const started = await startServerWithDemoExam({ students: ['dana', 'erik'] });
    server = started.server;
    const dana = await register(server, 'dana', started.roster.codes.dana!);
    await register(server, 'erik', started.roster.codes.erik!);
    const t = dana.startedAt;
    const min = (m: number) => t + m * 60_000;

    // What the Vigil app streams beside its outbox (vigil_risk, vigil_flag), and one flag file through the outbox route.
    const app = await student(dana.token);
    const focus = { at: min(4), source: 'integrity' as const, code: 'focus_lost', points: 15, message: 'Left the exam window for 9 s' };
    const drift = { at: min(9), source: 'behaviour' as const, code: 'biometric_drift', points: 25, message: 'Typing rhythm unlike the enrolled typist' };
    const risk = (at: number, score: number, reasons: LiveRiskReport['reasons'], level: LiveRiskReport['level']): LiveRiskReport => ({ score, level, locked: false, warning: null, reasons, at });
    await app.emitWithAck('vigil_risk', risk(min(4) + 500, 15, [focus], 'low'));
    await app.emitWithAck('vigil_flag', {
      sequence: 107,
      level: 'high',
      probability: 0.81,
      patterns: [{ pattern: 'biometric_drift', severity: 0.72, explanation: 'Typing rhythm unlike the enrolled typist (drift 0.72)' }],
      at: min(9),
    } satisfies LiveFlagReport);
    await app.emitWithAck('vigil_risk', risk(min(9) + 200, 40, [drift, focus], 'medium'));
    const file = flagFileFor({
      sessionId: dana.sessionId,
      studentId: 'dana',
      sequence: 160,
      startedAt: min(13) + 20_000,
      level: 'critical',
      probability: 0.93,
      unfocusedMs: 3_000,
      focusLosses: 1,
      keystrokeCount: 80,
      keystrokeAnomaly: 0.64,
      patterns: [{ pattern: 'temporal_inconsistency', severity: 0.9, explanation: 'Keys 9 ms apart for 60 keys: faster than any typist', evidence: { meanFlightMs: 9 } }],
    });
    expect((await upload(server, `/api/flagged-activity/${dana.sessionId}/dana`, file, dana.token)).status).toBe(201);
    await app.emitWithAck('vigil_risk', risk(min(13) + 26_000, 70, [{ ...drift, at: min(13) + 25_000, code: 'temporal_inconsistency', message: 'Inhuman key timing' }, drift, focus], 'high'));

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    await loggedIn(page, PROCTOR);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    await page.getByRole('button', { name: 'Details for dana' }).click();

    const drill = page.locator('section.drill');
    await drill.locator('.timeline-chart[data-drawn="true"]').waitFor();
    await expect.poll(() => drill.getByRole('heading', { level: 2, name: 'Timeline: dana' }).count()).toBe(1);
    // The review's three lanes, drawn by uPlot: markers, risk (with its legend), typing.
    expect(await drill.locator('.timeline-chart canvas').count()).toBe(3);
    expect(await drill.locator('.lane-risk .u-legend').textContent()).toMatch(/Session risk score.*Behavioural probability per package/);
    // The lanes the server only partly knows say so.
    expect(await drill.getByRole('list', { name: 'What the server cannot fully show' }).textContent()).toMatch(/Answer saves \(not available live\)/);

    // The flag table: the live-only flag, the uploaded flag file's finding and the integrity finding.
    const table = drill.locator('table.evidence-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
    const text = await table.textContent();
    expect(text).toMatch(/Typist changed \(biometric drift\).*Typing rhythm unlike the enrolled typist \(drift 0.72\)/);
    expect(text).toMatch(/Inhuman key timing.*Keys 9 ms apart for 60 keys/);
    expect(text).toMatch(/Left the exam window.*Left the exam window for 9 s/);

    // The keyboard path of the chart (its markers in time order) selects the flag's row.
    const slider = drill.getByRole('slider');
    await slider.focus();
    await page.keyboard.press('Home');
    expect(await slider.getAttribute('aria-valuetext')).toMatch(/^1 of 3: Left the exam window/);
    await page.keyboard.press('ArrowRight');
    expect(await slider.getAttribute('aria-valuetext')).toMatch(/^2 of 3: Typist changed \(biometric drift\) \(high\)/);
    expect(await table.locator('tr.selected').textContent()).toMatch(/Typist changed/);

    // A new flag streamed while the proctor watches appears without a reload.
    await app.emitWithAck('vigil_flag', {
      sequence: 190,
      level: 'medium',
      probability: 0.55,
      patterns: [{ pattern: 'stress_spike', severity: 0.5, explanation: 'Error rate tripled in 20 s' }],
      at: min(16),
    } satisfies LiveFlagReport);
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 10_000 }).toBe(4);
    expect(await table.textContent()).toMatch(/Stress spike.*Error rate tripled in 20 s/);

    // Held still (to study a zoomed stretch), it waits for the refresh button.
    await drill.getByLabel(/Update as events arrive/).uncheck();
    await app.emitWithAck('vigil_flag', {
      sequence: 220,
      level: 'high',
      probability: 0.7,
      patterns: [{ pattern: 'network_anomaly', severity: 0.6, explanation: 'Upload of 2 MB/s while answering' }],
      at: min(19),
    } satisfies LiveFlagReport);
    await expect.poll(() => page.locator(`tr[data-session="${dana.sessionId}"]`).textContent()).toMatch(/3 flags/);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // longer than the drill-down's refresh interval
    expect(await table.locator('tbody tr').count()).toBe(4);
    await drill.getByRole('button', { name: 'Refresh now' }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(5);

    expect(await accessibilityViolations(page)).toEqual([]);
    await drill.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vigil-live-drilldown.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);
});
