import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReviewService } from '../../src-main/review/review-service';
import { buildRoom, fingerprint, type Room } from '../review/review-room';
import { accessibilityViolations } from './accessibility-check';
import { buildRenderer, serveRenderer, type RendererServer } from '../../scripts/browser-engine/renderer-server';
import { CHROMIUM, CHROMIUM_ARGS, createPdfPrinter, exposeReview } from '../../scripts/browser-engine/review-bridge';

/** Kept after the run for people to look at (test-results/ is ignored by git). */
const SHOTS = path.resolve(process.env.VIGIL_SCREENSHOT_DIR ?? 'test-results/review');

let work: string;
let room: Room;
let before: Record<string, string>;
let renderer: RendererServer;
let browser: Browser;
let service: ReviewService;
let printer: ReturnType<typeof createPdfPrinter>;
const problems: string[] = [];
const isReviewOutput = (name: string): boolean => name === 'vigil-review.json';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`The e2e tests need Debian's Chromium at ${CHROMIUM}: install it with \`sudo apt-get install chromium\`.`);
  mkdirSync(SHOTS, { recursive: true });
  work = mkdtempSync(path.join(tmpdir(), 'vigil-review-e2e-'));
  room = await buildRoom(path.join(work, 'room'));
  before = fingerprint(room.dir);
  renderer = await serveRenderer(await buildRenderer());
  printer = createPdfPrinter(renderer.url, () => service);
  service = new ReviewService({ source: room.dir, exportDir: path.join(work, 'exports'), printPdf: (id) => printer.print(id) });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await printer?.close();
  await renderer?.close();
  if (renderer) rmSync(renderer.outDir, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

async function openReview(hash = ''): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await exposeReview(page, () => service);
  await page.goto(`${renderer.url}review.html${hash}`);
  return page;
}

const rowOf = (page: Page, text: string) => page.locator('.attempts-table tbody tr', { hasText: text });

describe('review of a room of attempts', () => {
  it('lists every attempt, names the unreadable ones, sorts and filters', async () => {
    const page = await openReview();
    await page.getByRole('heading', { level: 1, name: /Attempts in/ }).waitFor();
    const rows = page.locator('.attempts-table tbody tr');
    await expect.poll(() => rows.count()).toBe(11);

    await expect.poll(() => rowOf(page, 'ana-honest').textContent()).toMatch(/by the student.*none.*none.*OK.*Not delivered/);
    expect(await rowOf(page, 'cleo-flagged').textContent()).toMatch(/\d+ critical.*focus lost.*external paste.*OK/);
    expect(await rowOf(page, 'dan-locked').textContent()).toMatch(/locked at risk limit100100/);
    expect(await rowOf(page, 'eve-tampered').textContent()).toContain(`Broken at row ${room.files.tamperedSeq}`);
    expect(await rowOf(page, 'finn-killed').textContent()).toMatch(/not submitted \(unfinished\).*Not submitted/);
    expect(await rowOf(page, 'gus-truncated').textContent()).toMatch(/cannot read: .*gus-truncated\.sqlite.*(malformed|not a database)/);
    expect(await rowOf(page, 'hal-newer').textContent()).toMatch(/cannot read: .*newer version of Vigil \(schema 9990/);
    expect(await rowOf(page, 'recipes').textContent()).toMatch(/cannot read: .*not a Vigil audit database/);
    expect(await rowOf(page, 'garbage.db').textContent()).toMatch(/cannot read: .*(not a database|SQLite)/);
    expect(await rowOf(page, 'empty-copy').textContent()).toMatch(/cannot read: .*is empty/);
    await page.screenshot({ path: path.join(SHOTS, 'review-list.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);

    // Every column is on screen at 1400 px (no sideways scrolling), and at 1920 px.
    for (const [width, height] of [
      [1400, 900],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      const fit = await page.evaluate(() => {
        const region = document.querySelector('.attempts-table')!.closest('.table-scroll')!.getBoundingClientRect();
        const last = document.querySelector('.attempts-table thead th:last-child')!.getBoundingClientRect();
        const table = document.querySelector<HTMLElement>('.attempts-table')!.closest<HTMLElement>('.table-scroll')!;
        return { overflow: table.scrollWidth - table.clientWidth, lastRight: last.right, regionRight: region.right, pageOverflow: document.documentElement.scrollWidth - innerWidth };
      });
      expect(fit, `at ${width} px`).toMatchObject({ overflow: 0, pageOverflow: 0 });
      expect(fit.lastRight, `at ${width} px`).toBeLessThanOrEqual(fit.regionRight);
      await page.screenshot({ path: path.join(SHOTS, `review-list-${width}.png`) });
    }
    await page.setViewportSize({ width: 1400, height: 1000 });

    // Sort by student, ascending then descending.
    await page.getByRole('button', { name: 'Student' }).click();
    const firstLink = () => page.locator('.attempts-table tbody tr td button.link').first().textContent();
    await expect.poll(firstLink).toBe('ana-honest');
    await page.getByRole('button', { name: 'Student' }).click();
    await expect.poll(firstLink).toBe('finn-killed');
    expect(await page.locator('th[aria-sort]').getAttribute('aria-sort')).toBe('descending');

    await page.getByLabel('Show').selectOption('problems');
    await expect.poll(() => rows.count()).toBe(6);
    await page.getByLabel('Show').selectOption('all');
    await page.getByLabel('Search').fill('dan');
    await expect.poll(() => rows.count()).toBe(1);
    await page.context().close();
  });

  it('shows one attempt: banner, timeline lanes, markers that select their rows, filters', async () => {
    const page = await openReview();
    await page.getByRole('button', { name: 'cleo-flagged' }).click();
    await page.getByRole('heading', { level: 1, name: /cleo-flagged/ }).waitFor();
    await expect.poll(() => page.locator('.banner').textContent()).toMatch(/Audit log verified.*all \d+ audit rows intact/);
    // Three uPlot lanes, each a canvas, with the series named in the legends.
    expect(await page.locator('.timeline-chart canvas').count()).toBe(3);
    const legend = await page.locator('.timeline-chart').textContent();
    for (const series of ['Session risk score', 'Behavioural probability', 'Keys per minute', 'Typist drift']) expect(legend).toContain(series);

    // A click on a marker (the first network-anomaly flag) selects its row.
    const detail = service.open(service.list().attempts.find((a) => a.id.includes('cleo'))!.id);
    const target = detail.events.find((e) => e.kind === 'flag' && e.detector === 'network_anomaly')!;
    const pos = await page.evaluate(
      ({ at }) => {
        const over = document.querySelector('.lane-markers .u-over')!.getBoundingClientRect();
        return { x: over.left, y: over.top, w: over.width, h: over.height, at };
      },
      { at: target.at },
    );
    // Lanes: flag detectors alphabetically, then integrity, answers, session events (see markerLanes).
    // (Which detectors flagged follows the attempt: leaving the window is the fair ledger's, no focus_collapse flag.)
    const lanes = [...new Set(detail.events.filter((e) => e.kind === 'flag').map((e) => e.detector ?? 'classifier'))].sort();
    expect(lanes).toContain('network_anomaly');
    const laneCount = lanes.length + 3;
    const laneIndex = lanes.indexOf('network_anomaly');
    const x = pos.x + ((target.at - detail.from) / (detail.to - detail.from)) * pos.w;
    // The lane scale runs from 0.4 to laneCount + 0.6, the first lane on top.
    const y = pos.y + ((laneIndex + 0.6) / (laneCount + 0.2)) * pos.h;
    await page.mouse.click(x, y);
    const selected = page.locator('.evidence-table tr.selected');
    await expect.poll(() => selected.first().getAttribute('data-event-id')).toBe(target.id);
    expect(await selected.first().textContent()).toMatch(/Network anomaly.*critical.*baseline/);
    await page.locator('.timeline-chart').screenshot({ path: path.join(SHOTS, 'review-timeline.png') });

    // Zoom: every lane shows a shorter stretch (each canvas changes), and "Whole exam" comes back.
    const lanePictures = () => Promise.all(['markers', 'risk', 'typing'].map((l) => page.locator(`.lane-${l} canvas`).screenshot()));
    const whole = await lanePictures();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(async () => (await lanePictures()).map((p, i) => p.equals(whole[i]!))).toEqual([false, false, false]);
    await page.locator('.timeline-chart').screenshot({ path: path.join(SHOTS, 'review-timeline-zoomed.png') });
    await page.getByRole('button', { name: 'Whole exam' }).click();
    await expect.poll(async () => (await lanePictures()).map((p, i) => p.equals(whole[i]!))).toEqual([true, true, true]);

    // The keyboard path: the slider steps through markers and selects rows.
    const slider = page.getByRole('slider', { name: /Markers/ });
    await slider.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => slider.getAttribute('aria-valuetext')).toMatch(/^1 of \d+: Left the exam window/);
    // The fair ledger warns the first absence instead of charging it: its row adds no points.
    await expect.poll(() => selected.first().textContent()).toMatch(/Left the exam window.*switched to another window, away 40 s/);
    expect(await selected.first().textContent()).not.toMatch(/points added/);
    await page.keyboard.press('End');
    await expect.poll(() => slider.getAttribute('aria-valuetext')).toMatch(/: Submitted by the student/);
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    // The next marker (leaving the window raises no focus-collapse flag beside the ledger's row any more).
    await expect.poll(() => slider.getAttribute('aria-valuetext')).toMatch(/^2 of \d+: Network anomaly/);
    await expect.poll(() => selected.first().textContent()).toMatch(/Network anomaly.*critical/);

    // The timeline as a table: every event, answer saves included.
    await page.getByText(/The timeline as a table/).click();
    const eventRows = page.getByRole('region', { name: 'Timeline events table' }).locator('tbody tr');
    await expect.poll(() => eventRows.count()).toBe(detail.events.length + detail.answers.at.length);
    expect(await eventRows.first().textContent()).toMatch(/Answer saved: q1/);

    // Filter the table by detector and by level.
    const table = page.locator('.evidence-table tbody tr');
    const all = await table.count();
    await page.getByLabel('Detector').selectOption('biometric_drift');
    await expect.poll(() => table.count()).toBeLessThan(all);
    for (const text of await table.allTextContents()) expect(text).toMatch(/Typist changed/);
    await page.getByLabel('Detector').selectOption('all');
    await page.getByLabel('Level').selectOption('integrity');
    await expect.poll(() => table.count()).toBe(2);
    await page.getByLabel('Level').selectOption('all');
    await page.locator('.evidence').screenshot({ path: path.join(SHOTS, 'review-flags.png') });
    await page.screenshot({ path: path.join(SHOTS, 'review-attempt.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('says where a tampered log breaks', async () => {
    const page = await openReview();
    await page.getByRole('button', { name: 'eve-tampered' }).click();
    await expect.poll(() => page.locator('.banner').textContent()).toMatch(
      new RegExp(`Audit log tampered or damaged.*Broken at row ${room.files.tamperedSeq}: hash does not match the row contents`),
    );
    await page.screenshot({ path: path.join(SHOTS, 'review-tampered.png') });
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('saves notes and a disposition to the review file, never to the database', async () => {
    const page = await openReview();
    await page.getByRole('button', { name: 'dan-locked' }).click();
    await page.getByRole('radio', { name: 'Misconduct confirmed' }).check();
    await page.getByLabel('Notes').fill('Left the exam window three times in two minutes; interviewed the student on 24 Nov.');
    await page.getByRole('button', { name: 'Save review' }).click();
    await expect.poll(() => page.locator('.review-form [role=status]').textContent()).toMatch(/Saved/);
    const saved = JSON.parse(readFileSync(path.join(room.dir, 'vigil-review.json'), 'utf8')) as { attempts: Record<string, { disposition: string; notes: string }> };
    const entry = Object.entries(saved.attempts).find(([id]) => id.includes('dan-locked'))?.[1];
    expect(entry).toMatchObject({ disposition: 'misconduct_confirmed', notes: expect.stringContaining('three times') });
    await page.getByRole('button', { name: '← All attempts' }).click();
    await expect.poll(() => rowOf(page, 'dan-locked').textContent()).toContain('Misconduct confirmed');
    await page.context().close();
  });

  it('exports CSV, JSONL and a one-page PDF report', async () => {
    const page = await openReview();
    await page.getByRole('button', { name: 'dan-locked' }).click();
    for (const label of ['Flags CSV', 'Flags JSONL', 'Timeline CSV', 'Timeline JSONL', 'PDF report']) {
      await page.getByRole('button', { name: label, exact: true }).click();
      await expect.poll(() => page.locator('section[aria-labelledby=export-heading] [role=status]').textContent(), { timeout: 20_000 }).toMatch(/^Saved /);
    }
    await page.context().close();
    const out = path.join(work, 'exports');
    const base = path.basename(room.files.locked).replace(/\.sqlite$/, '');
    const flagsCsv = readFileSync(path.join(out, `${base}.flags.csv`), 'utf8').trim().split('\n');
    expect(flagsCsv[0]).toBe('at,elapsedSeconds,type,detector,level,title,explanation,numbers,seq');
    expect(flagsCsv.some((l) => l.includes('focus_lost'))).toBe(true);
    const timeline = readFileSync(path.join(out, `${base}.timeline.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
    expect(new Set(timeline.map((r) => r.kind))).toEqual(new Set(['risk_score', 'package_probability', 'keys_per_minute', 'typist_drift', 'integrity', 'flag', 'answer', 'lock', 'submission', 'away']));

    const pdf = path.join(out, `${base}.report.pdf`);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    expect(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })).toMatch(/Pages:\s+1\n/);
    execFileSync('pdftoppm', ['-png', '-r', '110', '-singlefile', pdf, path.join(SHOTS, 'review-report-pdf')]);
    expect(existsSync(path.join(SHOTS, 'review-report-pdf.png'))).toBe(true);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toMatch(/Vigil attempt report: dan-locked/);
    expect(text).toMatch(/Misconduct confirmed/);
    expect(text).toMatch(/Left the exam window/);
  });

  it('left every database byte-identical, with no -wal or -shm file added', () => {
    const after = fingerprint(room.dir, isReviewOutput);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(after).toEqual(before);
    // The killed attempt came with its -wal; nothing else has one.
    expect(Object.keys(after).filter((n) => /-(wal|shm)$/.test(n)).every((n) => n.includes('finn-killed'))).toBe(true);
    expect(problems).toEqual([]);
  });
});
