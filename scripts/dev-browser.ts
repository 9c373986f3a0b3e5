/**
 * `npm run dev:browser`: the real exam engine under plain Node, with the exam UI in Debian's
 * Chromium bridged to it exactly as the e2e tests do (window.vigil over exposeBinding). For
 * UI work on machines without Electron: there is no lockdown, no kiosk, no app:// protocol.
 *
 *   npm run dev:browser -- [--data-dir DIR] [--server-url URL] [--student ID]
 *                          [--exam FILE] [--policy FILE] [--capture] [--headless]
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { InputHook } from '../src-main/capture/input-hook';
import type { RawEventSource } from '../src-main/contract';
import { DEFAULT_POLICY_FILE, DEMO_EXAM_FILE, loadExamFile, loadPolicyFile } from '../src-main/exam/exam-files';
import { openExamSession } from '../src-main/session/open-exam-session';
import { CHROMIUM, CHROMIUM_ARGS } from './browser-engine/chromium';
import { exposeEngine } from './browser-engine/engine-bridge';
import { buildRenderer, serveRenderer } from './browser-engine/renderer-server';

const say = (line: string): void => console.log(`[dev:browser] ${line}`);

function fail(message: string): never {
  console.error(`[dev:browser] ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        'data-dir': { type: 'string', default: path.join(homedir(), '.vigil-dev') },
        'server-url': { type: 'string' },
        student: { type: 'string', default: 'dev-student' },
        exam: { type: 'string', default: DEMO_EXAM_FILE },
        policy: { type: 'string', default: DEFAULT_POLICY_FILE },
        capture: { type: 'boolean', default: false },
        headless: { type: 'boolean', default: !process.env.DISPLAY },
      },
    }).values;
  } catch (e) {
    fail(`${(e as Error).message}. Usage: npm run dev:browser -- [--data-dir DIR] [--server-url URL] [--student ID] [--exam FILE] [--policy FILE] [--capture] [--headless]`);
  }
  if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing: install it with \`sudo apt-get install chromium\`.`);

  const serverUrl = args['server-url'];
  if (serverUrl !== undefined && !/^https?:\/\/[^/]/.test(serverUrl)) {
    fail(`--server-url must be an http(s) URL such as http://127.0.0.1:7000 (got "${serverUrl}").`);
  }
  const exam = loadExamFile(args.exam);
  if (!exam.ok) fail(exam.error.message);
  const policy = loadPolicyFile(args.policy);
  if (!policy.ok) fail(policy.error.message);

  const sources: RawEventSource[] = [];
  // Opt-in: the hook sees every key on this machine's display, not just the exam's.
  if (args.capture) sources.push(new InputHook({ log: (m) => say(m) }));

  const dataDir = path.resolve(args['data-dir']);
  say(`exam "${exam.value.title}" (${args.exam})`);
  say(`data dir ${dataDir}; student ${args.student}`);
  say(serverUrl ? `uploading to ${serverUrl}` : 'no --server-url: uploads stay queued in the local outbox');
  const session = await openExamSession({
    exam: exam.value,
    policy: policy.value,
    dataDir,
    studentId: args.student,
    sources,
    ...(serverUrl !== undefined ? { serverUrl } : {}),
    log: (line) => say(`engine: ${line}`),
  });
  say(`session ${session.sessionId} in ${session.file}`);

  say('building the renderer (vite)…');
  const outDir = await buildRenderer(path.resolve('out', 'renderer'));
  const server = await serveRenderer(outDir);
  say(`renderer served at ${server.url} (only usable through this bridge: a plain browser tab has no window.vigil)`);

  say(`launching ${CHROMIUM} ${args.headless ? 'headless (no DISPLAY)' : `on DISPLAY=${process.env.DISPLAY}`}`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: args.headless,
    args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext({ viewport: args.headless ? { width: 1280, height: 900 } : null });
  const page = await context.newPage();
  page.on('console', (m) => say(`page ${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => say(`page error: ${e.message}`));
  await exposeEngine(page, session, { onRejected: (channel, reason) => session.recordRejectedCall(channel, reason) });
  await page.goto(server.url);
  // Playwright pretends every page has focus; turn that off so leaving the window is real.
  // After goto: navigating to the server moves the page to a new renderer process, which resets it.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
  say('exam open. Answers autosave to SQLite; leaving the window or pasting from outside raises the risk score.');

  if (args.headless) {
    const shot = path.join(dataDir, 'dev-browser.png');
    await page.waitForSelector('.exam, .submitted, .center-card');
    await page.screenshot({ path: shot });
    say(`headless: screenshot of the exam view at ${shot}`);
  }

  let stopping = false;
  const stop = async (why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(`${why}: closing the engine (answers are in ${session.file})`);
    await browser.close().catch(() => undefined);
    await server.close();
    await session.close();
    process.exit(0);
  };
  page.on('close', () => void stop('the exam page was closed'));
  browser.on('disconnected', () => void stop('Chromium exited'));
  process.on('SIGINT', () => void stop('interrupted'));
  process.on('SIGTERM', () => void stop('terminated'));
  say('press Ctrl+C to stop.');
}

// Known failures (a database that cannot be opened, a missing native build) carry a message a
// person can act on; the stack is for VIGIL_DEBUG=1.
main().catch((e: unknown) =>
  fail(e instanceof Error ? (process.env.VIGIL_DEBUG ? (e.stack ?? e.message) : e.message) : String(e)),
);
