/**
 * Review benchmark (not a timed test), printed by `npm run bench`:
 * - open a three-hour attempt (≥ 50,000 audit rows, written by the engine) and draw its
 *   timeline in Chromium: target < 1 s;
 * - list a folder of 200 attempts: target < 3 s.
 * The databases are generated once into a cache folder (tmpfs when there is one: the
 * engine fsyncs every row) and reused by later runs, as long as they are at the schema
 * the engine writes today (an older file would measure an older row mix).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { PolicySchema } from '../../src-main/contract';
import { SCHEMA_VERSION } from '../../src-main/audit/migrations';
import { openExamSession } from '../../src-main/session/open-exam-session';
import { FakeClock } from '../fake-clock';
import { ReviewService } from '../../src-main/review/review-service';
import { buildRenderer, serveRenderer } from '../../scripts/browser-engine/renderer-server';
import { CHROMIUM, CHROMIUM_ARGS, exposeReview } from '../../scripts/browser-engine/review-bridge';
import { TIMELINE_DRAWN_MARK } from '../../src-main/contract/review';
import { AttemptDriver, demoExam, T0, writeAttempt } from '../review/attempt-fixtures';
import { syntheticTypist } from '../unit/typist/synthetic-typist';

const CACHE = path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'vigil-review-bench-v3');
const LONG = path.join(CACHE, 'long');
const ROOM = path.join(CACHE, 'room');

/** Three hours, one-second activity windows, autosave four times a second, a network burst every 15 minutes. */
async function writeLongAttempt(): Promise<string> {
  mkdirSync(LONG, { recursive: true });
  const scheduler = new FakeClock(T0);
  const d = new AttemptDriver(scheduler, 5);
  const session = await openExamSession({
    exam: demoExam(180),
    policy: PolicySchema.parse({ schemaVersion: 1, windowSeconds: 1, classifier: { flagAtLevel: 'medium' } }),
    dataDir: LONG,
    studentId: 'long-attempt',
    scheduler,
    serverUrl: null,
    sources: [d.source],
    log: () => {},
  });
  d.session = session;
  d.typist = syntheticTypist(5);
  let text = '';
  for (let s = 0; s < 3 * 3600 - 60; s++) {
    const burst = s > 600 && s % 900 < 10;
    d.cpu = burst ? 95 : 18;
    d.netRx = burst ? 4_000_000 : 2_000;
    d.netTx = burst ? 2_000_000 : 400;
    d.run(1);
    for (let k = 0; k < 4; k++) {
      text = text.length > 7000 ? 'Restarted answer. ' : `${text}word${s % 10} `;
      await d.answer('q4', text);
    }
  }
  await session.submit({ confirm: true });
  const file = session.file;
  await session.close();
  return file;
}

/** The schema a cached database is at (0 when it cannot be read): only today's is reused. */
function schemaOf(file: string): number {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.pragma('user_version', { simple: true }) as number;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

async function prepare(): Promise<{ long: string; rows: number }> {
  let long = existsSync(LONG) ? readdirSync(LONG).find((n) => n.endsWith('.sqlite')) : undefined;
  if (long && schemaOf(path.join(LONG, long)) !== SCHEMA_VERSION) long = undefined;
  if (!long) {
    rmSync(LONG, { recursive: true, force: true });
    const t0 = performance.now();
    console.log(`[review bench] writing a three-hour attempt with the engine into ${LONG} (once)…`);
    long = path.basename(await writeLongAttempt());
    console.log(`[review bench]   took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const room = existsSync(ROOM) ? readdirSync(ROOM).filter((n) => n.endsWith('.sqlite')) : [];
  if (room.length !== 200 || schemaOf(path.join(ROOM, room[0]!)) !== SCHEMA_VERSION) {
    rmSync(ROOM, { recursive: true, force: true });
    const seeds = path.join(CACHE, 'seeds');
    rmSync(seeds, { recursive: true, force: true });
    console.log('[review bench] writing 4 attempts with the engine and copying them into a room of 200 (once)…');
    const sources = [
      await writeAttempt(seeds, 'honest-a', 'honest', { seed: 1 }),
      await writeAttempt(seeds, 'honest-b', 'honest', { seed: 2 }),
      await writeAttempt(seeds, 'flagged', 'flagged', { seed: 3 }),
      await writeAttempt(seeds, 'locked', 'locked', { seed: 4 }),
    ];
    mkdirSync(ROOM, { recursive: true });
    for (let i = 0; i < 200; i++) copyFileSync(sources[i % 4]!, path.join(ROOM, `attempt-${String(i).padStart(3, '0')}.sqlite`));
  }
  const file = path.join(LONG, long);
  const db = new Database(file, { readonly: true });
  const rows = (db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n;
  db.close();
  return { long: file, rows };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number): string => `${x.toFixed(0)} ms`;

/** Wall time and this process's CPU time (user + system) of one call, in ms. */
async function timed(fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}
const med = (xs: { wall: number; cpu: number }[]): string => `median ${ms(median(xs.map((x) => x.wall)))} wall, ${ms(median(xs.map((x) => x.cpu)))} CPU of this process`;

async function main(): Promise<void> {
  const { long, rows } = await prepare();
  const id = path.basename(long);
  const openCold: { wall: number; cpu: number }[] = [];
  const verifyCold: { wall: number; cpu: number }[] = [];
  const openWarm: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const service = new ReviewService({ source: long });
    openCold.push(await timed(() => service.open(id)));
    verifyCold.push(await timed(() => service.verify(id)));
    openWarm.push(await timed(() => service.open(id)));
  }
  const listCold: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const service = new ReviewService({ source: ROOM });
    listCold.push(
      await timed(() => {
        const list = service.list();
        if (list.attempts.length !== 200 || list.attempts.some((a) => !a.readable)) throw new Error('the bench room did not list 200 readable attempts');
      }),
    );
  }

  const server = await serveRenderer(await buildRenderer());
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  /** From page.goto to the page's mark after the frame with the lanes (its clock and ours are both epoch-based). */
  const drawMs: { wall: number; cpu: number }[] = [];
  /** From page.goto to Playwright seeing data-drawn: later by its polling and by this process being busy (the chain walk the page asks for next). */
  const noticedMs: { wall: number; cpu: number }[] = [];
  const pageListMs: { wall: number; cpu: number }[] = [];
  /** The page's own main-thread work (Chromium's TaskDuration: parsing, React, uPlot). */
  const pageTaskMs: number[] = [];
  /** CPU time of the page's renderer process (Chromium's ProcessTime), from its start to the lanes drawn. */
  const pageCpuMs: number[] = [];
  /** From the start of the open to the verification banner saying the chain is intact. */
  const verifiedAfterMs: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const service = new ReviewService({ source: long });
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const page = await context.newPage();
      await exposeReview(page, () => service);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      const startedAt = performance.timeOrigin + performance.now();
      noticedMs.push(
        await timed(async () => {
          await page.goto(`${server.url}review.html#/attempt/${encodeURIComponent(id)}`);
          await page.waitForSelector('.timeline-chart[data-drawn="true"]', { timeout: 60_000 });
        }),
      );
      const { metrics } = await cdp.send('Performance.getMetrics');
      // The page's own clock: when the frame with the three lanes was out (timeline-chart.tsx).
      await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, TIMELINE_DRAWN_MARK, { timeout: 60_000 });
      const drawnAt = await page.evaluate((mark) => {
        const entry = performance.getEntriesByName(mark)[0];
        return entry ? performance.timeOrigin + entry.startTime : null;
      }, TIMELINE_DRAWN_MARK);
      if (drawnAt === null) throw new Error(`the page set data-drawn without the ${TIMELINE_DRAWN_MARK} mark`);
      drawMs.push({ wall: drawnAt - startedAt, cpu: noticedMs.at(-1)!.cpu });
      const t0 = performance.now();
      await page.locator('.banner-ok').waitFor({ timeout: 60_000 });
      verifiedAfterMs.push(noticedMs.at(-1)!.wall + performance.now() - t0);
      pageTaskMs.push(1000 * (metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN));
      pageCpuMs.push(1000 * (metrics.find((m) => m.name === 'ProcessTime')?.value ?? NaN));
      await context.close();
    }
    for (let i = 0; i < 3; i++) {
      const service = new ReviewService({ source: ROOM });
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const page = await context.newPage();
      await exposeReview(page, () => service);
      pageListMs.push(
        await timed(async () => {
          await page.goto(`${server.url}review.html`);
          await page.locator('.attempts-table tbody tr').nth(199).waitFor({ timeout: 60_000 });
        }),
      );
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`\nreview bench (load average ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${cpus().length} cores: wall times include waiting for other programs)`);
  console.log(`review: three-hour attempt, ${rows.toLocaleString('en')} audit rows (${long})`);
  console.log(`  read + build the timeline (Node), first open: ${med(openCold)}`);
  console.log(`  walk the hash chain (Node, requested by the page once the chart is drawn): ${med(verifyCold)}`);
  console.log(`  open again (file unchanged, rows kept): ${med(openWarm)}`);
  console.log(
    `  open and draw in Chromium (page load, verb call, three uPlot lanes, until the frame with them is out), first open: median ${ms(median(drawMs.map((x) => x.wall)))} wall  [target < 1000 ms]`,
  );
  console.log(
    `    (the same, until Playwright sees it: ${med(noticedMs)}; page main thread busy ${ms(median(pageTaskMs))}, page renderer process CPU ${ms(median(pageCpuMs))})`,
  );
  console.log(`  ...and the verification banner (the whole chain walked) after: median ${ms(median(verifiedAfterMs))}`);
  console.log(`review: list 200 attempts (${ROOM})`);
  console.log(`  read + verify + summarise (Node), first listing: ${med(listCold)}`);
  console.log(`  list shown in Chromium (page load to 200 rows), first listing: ${med(pageListMs)}  [target < 3000 ms]`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
