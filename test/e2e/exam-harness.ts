import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { PolicySchema, type Exam, type Policy, type VigilApi } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { openExamSession, type ExamSession } from '../../src-main/session/open-exam-session';
import { SignInGate } from '../../src-main/session/sign-in-gate';
import type { SystemCheckRunner } from '../../src-main/session/pre-exam-check';
import { startExamServer, type ExamServer } from '../../src-server/exam-server';
import { PROCTOR, asProctor } from '../exam-server-fixture';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/browser-engine/chromium';
import { exposeEngine, type ExposeEngineOptions } from '../../scripts/browser-engine/engine-bridge';
import { buildRenderer, serveRenderer, type RendererServer } from '../../scripts/browser-engine/renderer-server';

export const SCREENSHOT_DIR = process.env.VIGIL_SCREENSHOT_DIR ?? tmpdir();

export interface ExamHarness {
  readonly exam: Exam;
  readonly policy: Policy;
  readonly server: ExamServer;
  /**
   * The real engine on this file's data dir. With the harness's server (the default) it signs
   * in as the app does (access code, registration; a second call for the same student
   * resumes) and uploads with its attempt token; `serverUrl: null` is demo/offline mode. Its
   * log lines fail the test unless they match `expectLog`.
   */
  startEngine(
    studentId: string,
    opts?: { serverUrl?: string | null; expectLog?: RegExp; exam?: Exam; systemCheck?: SystemCheckRunner },
  ): Promise<ExamSession>;
  /** A page with `api` bridged in as window.vigil, the exam loaded, real focus and console checks. */
  openExamPage(
    api: VigilApi,
    examTitle?: string,
    bridge?: ExposeEngineOptions,
  ): Promise<{ page: Page; context: BrowserContext }>;
  /** The exam access code of a student (issued on first use), for tests that sign in on the page. */
  accessCode(studentId: string, exam?: Exam): Promise<string>;
  /** A sign-in gate on this file's data dir, as the app has before the student signs in. */
  signInGate(opts?: { exam?: Exam; expectLog?: RegExp; systemCheck?: SystemCheckRunner }): SignInGate;
  /** A page with console checks and nothing bridged. */
  openBarePage(): Promise<{ page: Page; context: BrowserContext }>;
}

/**
 * Per test file: builds the renderer, serves it on loopback, starts the reference exam
 * server and Chromium; after each test closes what it opened and fails the test on any
 * console error or warning, uncaught page error, or engine log line.
 */
export function useExamHarness(): ExamHarness {
  let renderer: RendererServer;
  let server: ExamServer;
  let browser: Browser;
  let exam: Exam;
  let policy: Policy;
  let dataDir: string;
  const cleanups: Array<() => Promise<unknown>> = [];
  let problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`The e2e tests need Debian's Chromium at ${CHROMIUM}: install it with \`sudo apt-get install chromium\`.`);
    }
    const loaded = loadExamFile(DEMO_EXAM_FILE);
    if (!loaded.ok) throw new Error(loaded.error.message);
    exam = loaded.value;
    // One-second activity windows, and flag files from 'medium' up, so the few seconds of a
    // test produce scored packages and flag files as a longer exam would.
    // Leaving the window for a second costs the full focus_lost points (a real exam scales
    // them over a minute), so the warn-before-points flow fits in a test's seconds too.
    policy = PolicySchema.parse({
      schemaVersion: 1,
      windowSeconds: 1,
      classifier: { flagAtLevel: 'medium' },
      integrity: { lockdown: { leaving: { freeSeconds: 0, fullPointsAfterSeconds: 1 } } },
    });
    dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-e2e-'));
    renderer = await serveRenderer(await buildRenderer());
    // The engine registers each attempt (startEngine), so every upload carries its token.
    server = await startExamServer({ proctorToken: PROCTOR });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await renderer?.close();
    if (renderer) rmSync(renderer.outDir, { recursive: true, force: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    const seen = problems;
    problems = [];
    expect(seen, 'console errors/warnings in the page, or engine log lines').toEqual([]);
  });

  const openBarePage = async (): Promise<{ page: Page; context: BrowserContext }> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    cleanups.push(() => context.close());
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    return { page, context };
  };

  const codes = new Map<string, string>();
  const examsOnServer = new Set<string>();
  const accessCode = async (studentId: string, forExam: Exam = exam): Promise<string> => {
    if (!examsOnServer.has(forExam.id)) {
      const put = await asProctor(server, 'PUT', `/api/proctor/exams/${forExam.id}`, { exam: forExam, secondAttempt: 'refuse' });
      if (put.status !== 200) throw new Error(`putting exam ${forExam.id} on the server: ${JSON.stringify(put.body)}`);
      examsOnServer.add(forExam.id);
    }
    const key = `${forExam.id}/${studentId}`;
    if (!codes.has(key)) {
      const issued = await asProctor(server, 'POST', `/api/proctor/exams/${forExam.id}/access-codes`, { studentIds: [studentId] });
      const code = (issued.body as { codes: { accessCode: string }[] }).codes[0]?.accessCode;
      if (!code) throw new Error(`no access code for ${studentId}: ${JSON.stringify(issued.body)}`);
      codes.set(key, code);
    }
    return codes.get(key)!;
  };
  const engineLog = (expectLog?: RegExp) => (line: string) => {
    // The gate's own account of a sign-in is expected; anything else fails the test unless asked for.
    if (/^signed in /.test(line)) return;
    if (!expectLog?.test(line)) problems.push(`engine log: ${line}`);
  };
  const signInGate = (opts: { exam?: Exam; expectLog?: RegExp; systemCheck?: SystemCheckRunner } = {}): SignInGate => {
    const gate = new SignInGate({
      exam: opts.exam ?? exam,
      policy,
      dataDir,
      serverUrl: server.url,
      appVersion: '0.1.0-e2e',
      log: engineLog(opts.expectLog),
      ...(opts.systemCheck ? { systemCheck: opts.systemCheck } : {}),
    });
    cleanups.push(() => gate.close());
    return gate;
  };

  return {
    accessCode,
    signInGate,
    get exam() {
      return exam;
    },
    get policy() {
      return policy;
    },
    get server() {
      return server;
    },
    async startEngine(studentId, opts = {}) {
      if (opts.serverUrl === undefined) {
        const forExam = opts.exam ?? exam;
        const gate = signInGate({
          exam: forExam,
          ...(opts.expectLog ? { expectLog: opts.expectLog } : {}),
          ...(opts.systemCheck ? { systemCheck: opts.systemCheck } : {}),
        });
        const signedIn = await gate.signIn({ studentId, accessCode: await accessCode(studentId, forExam) });
        if (!signedIn.ok) throw new Error(`signing ${studentId} in: ${signedIn.error.message}`);
        return gate.attempt!;
      }
      const session = await openExamSession({
        exam: opts.exam ?? exam,
        policy,
        dataDir,
        studentId,
        serverUrl: opts.serverUrl,
        ...(opts.systemCheck ? { systemCheck: opts.systemCheck } : {}),
        log: (line) => {
          if (!opts.expectLog?.test(line)) problems.push(`engine log: ${line}`);
        },
      });
      cleanups.push(() => session.close());
      return session;
    },
    async openExamPage(api, examTitle, bridge) {
      const { page, context } = await openBarePage();
      await exposeEngine(page, api, bridge);
      // The student's window has the focus, as an exam window has when it opens.
      await page.bringToFront();
      await page.goto(renderer.url);
      // Playwright tells every page it has focus; without that, switching pages really blurs.
      // After goto: the navigation moves the page to a new renderer process, which resets it.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
      await expect.poll(() => page.getByRole('heading', { level: 1, name: examTitle ?? exam.title }).isVisible()).toBe(true);
      return { page, context };
    },
    async openBarePage() {
      const opened = await openBarePage();
      await opened.page.goto(renderer.url);
      return opened;
    },
  };
}

export const essayText =
  'Astronauts are in continuous free fall around the Earth. The station and everyone in it fall together, so nothing presses them against the floor.';
export const shortText = 'The net force on a body equals its mass times its acceleration.';

export const statusOf = (page: Page, questionId: string) => page.locator(`#q-${questionId}-status`);

export async function expectAllSaved(page: Page, exam: Exam): Promise<void> {
  for (const q of exam.questions) {
    await expect.poll(() => statusOf(page, q.id).textContent(), { timeout: 5000 }).toMatch(/^Saved/);
  }
}

export async function answersOf(session: VigilApi): Promise<Record<string, string>> {
  const r = await session.getSnapshot();
  if (!r.ok) throw new Error(r.error.message);
  return Object.fromEntries(Object.values(r.value.answers).map((a) => [a.questionId, a.value]));
}
