import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { loadNativeAddon } from '../../src-main/capture/integrity/native-addon';
import { OsWatcher } from '../../src-main/capture/integrity/os-watcher';
import { defaultPolicy } from '../../src-main/contract';
import type { RawEventSource } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { attemptDatabaseFile, openExamSession, type ExamSession } from '../../src-main/session/open-exam-session';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/browser-engine/chromium';
import { exposeEngine } from '../../scripts/browser-engine/engine-bridge';
import { buildRenderer, serveRenderer, type RendererServer } from '../../scripts/browser-engine/renderer-server';
import { onPath, startXvfb, stopChild } from '../x-session';

/**
 * The page's focus events and the OS watcher agree, for real: the exam page in a headed
 * Chromium on our own Xvfb with openbox, the native OS watcher feeding the same session,
 * and an xterm taking focus through xdotool. One departure is recorded, seen by both, and
 * it names the xterm.
 */

const run = promisify(execFile);
const NEEDED = ['Xvfb', 'openbox', 'xterm', 'xdotool'];
const missing = NEEDED.filter((b) => !onPath(b));
const native = loadNativeAddon();
const SKIP = missing.length > 0 || !native.ok;
if (missing.length > 0) console.warn(`focus-agreement: skipped: missing ${missing.join(', ')} (scripts/install-and-test.sh installs them)`);
if (!native.ok) console.warn(`focus-agreement: skipped: ${native.reason}`);

describe.skipIf(SKIP)('page focus and the OS watcher agree (Xvfb, openbox, Chromium, xterm)', { timeout: 120_000 }, () => {
  let xvfb: ChildProcess;
  let wm: ChildProcess;
  let xterm: ChildProcess | null = null;
  let display: string;
  let renderer: RendererServer;
  let browser: Browser;
  let dataDir: string;
  let session: ExamSession;
  const saved = { DISPLAY: process.env.DISPLAY, XDG_SESSION_TYPE: process.env.XDG_SESSION_TYPE, WAYLAND_DISPLAY: process.env.WAYLAND_DISPLAY };
  const env = () => ({ ...process.env, DISPLAY: display });

  beforeAll(async () => {
    ({ proc: xvfb, display } = await startXvfb());
    // The native watcher and the session's desktop check read these from this process.
    process.env.DISPLAY = display;
    process.env.XDG_SESSION_TYPE = 'x11';
    delete process.env.WAYLAND_DISPLAY;
    wm = spawn('openbox', ['--sm-disable'], { env: env(), stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 800));
    renderer = await serveRenderer(await buildRenderer());
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: false, env: env() });
    dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-agree-'));
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await browser?.close();
    await renderer?.close();
    if (renderer) rmSync(renderer.outDir, { recursive: true, force: true });
    await stopChild(xterm);
    await stopChild(wm);
    await stopChild(xvfb);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('one departure, seen by the page and the OS, naming what took focus', async () => {
    const watcher = new OsWatcher({ allow: [], runningAccommodations: () => [] });
    const os: RawEventSource = {
      name: 'OS watcher',
      start: (emit) => watcher.start((observation) => emit({ kind: 'integrity', t: observation.t, observation })),
      stop: () => watcher.stop(),
    };
    const isChromium = (pid: number): boolean => {
      try {
        return /chrom/i.test(readlinkSync(`/proc/${pid}/exe`));
      } catch {
        return false;
      }
    };
    session = await openExamSession({
      exam: (() => {
        const r = loadExamFile(DEMO_EXAM_FILE);
        if (!r.ok) throw new Error(r.error.message);
        return r.value;
      })(),
      policy: defaultPolicy(),
      dataDir,
      studentId: 'agree',
      serverUrl: null,
      sources: [os],
      isOwnPid: isChromium,
      log: () => {},
    });
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const page = await context.newPage();
    await exposeEngine(page, session);
    await page.goto(renderer.url);
    // Playwright tells pages they have focus; here the X server decides.
    await (await context.newCDPSession(page)).send('Emulation.setFocusEmulationEnabled', { enabled: false });
    await expect.poll(() => page.getByRole('heading', { level: 1, name: /Physics 101/ }).isVisible(), { timeout: 20_000 }).toBe(true);
    const title = await page.title();
    const found = await run('xdotool', ['search', '--onlyvisible', '--name', title], { env: env() });
    const chromeWindow = found.stdout.trim().split('\n')[0]!;
    await run('xdotool', ['windowactivate', '--sync', chromeWindow], { env: env() });
    await page.bringToFront();
    await expect.poll(() => page.evaluate('document.hasFocus()'), { timeout: 10_000 }).toBe(true);

    // Setting the stage (the page loading, our own activation) may record blinks of a few
    // hundred ms, free of charge; the departure under test starts with the xterm.
    await new Promise((r) => setTimeout(r, 1000));
    const xtermAt = Date.now();
    xterm = spawn('xterm', ['-title', 'away-from-exam'], { env: env(), stdio: 'ignore' });
    await expect
      .poll(async () => (await run('xdotool', ['search', '--name', 'away-from-exam'], { env: env() }).catch(() => ({ stdout: '' }))).stdout.trim(), { timeout: 10_000 })
      .not.toBe('');
    const xtermWindow = (await run('xdotool', ['search', '--name', 'away-from-exam'], { env: env() })).stdout.trim().split('\n')[0]!;
    await run('xdotool', ['windowactivate', '--sync', xtermWindow], { env: env() });
    await expect.poll(() => page.evaluate('document.hasFocus()'), { timeout: 10_000 }).toBe(false);
    await new Promise((r) => setTimeout(r, 3000));
    await run('xdotool', ['windowactivate', '--sync', chromeWindow], { env: env() });
    await expect.poll(() => page.evaluate('document.hasFocus()'), { timeout: 10_000 }).toBe(true);

    // The first real absence is warned before it costs.
    await expect.poll(async () => {
      const s = await session.getSnapshot();
      return s.ok ? s.value.returnWarning?.message ?? null : null;
    }, { timeout: 10_000 }).toMatch(/switched to (xterm|XTerm)/i);
    await session.close();
    const store = AuditStore.open(attemptDatabaseFile(dataDir, 'demo-physics-101', 'agree'));
    const all = store.entries({ limit: 1000 }).filter((e) => e.kind === 'integrity_event').map((e) => e.payload as { evidence: Record<string, unknown>; grace: boolean; points: number });
    store.close();
    // Every other record is a free blink of the stage; the xterm's absence is recorded once.
    const departures = all.filter((d) => /xterm/i.test(String(d.evidence.targetName)));
    for (const d of all) if (!departures.includes(d)) expect(d).toMatchObject({ points: 0, grace: false });
    expect(Number(departures[0]?.evidence.from)).toBeGreaterThanOrEqual(xtermAt);
    expect(departures).toHaveLength(1);
    expect(departures[0]!.grace).toBe(true);
    expect(departures[0]!.evidence).toMatchObject({ target: 'unknown_app' });
    expect(String(departures[0]!.evidence.targetName)).toMatch(/xterm/i);
    expect((departures[0]!.evidence.seenBy as string[]).sort()).toEqual(['os', 'page']);
    expect(Number(departures[0]!.evidence.awayMs)).toBeGreaterThan(2500);
  });
});
