/**
 * `npm run review -- <db or folder> [--headless] [--out DIR] [--password-from-policy FILE]`:
 * the proctor's review of attempt databases. The review verbs run here under plain Node
 * (read-only on the databases); the review page runs in Debian's Chromium, bridged as in
 * the e2e tests. Headful when there is a DISPLAY; otherwise headless, with a screenshot of
 * the first screen.
 *
 * On a proctor's own computer the review asks for no password by default: whoever holds
 * these copies can read them with any SQLite tool, so a password in this viewer would
 * protect nothing (docs/review.md). `--password-from-policy FILE` asks for the proctor
 * password of that exam policy anyway (a shared computer), with the same gate as the app.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { loadInstalledPolicy } from '../src-main/exam/installed-config';
import { managedDir } from '../src-main/exam/managed-location';
import { ProctorGate } from '../src-main/review/proctor-gate';
import { ReviewService } from '../src-main/review/review-service';
import { CHROMIUM, CHROMIUM_ARGS, createPdfPrinter, exposeReview } from './browser-engine/review-bridge';
import { buildRenderer, serveRenderer } from './browser-engine/renderer-server';

const USAGE = 'usage: npm run review -- <attempt database or folder> [--headless] [--out EXPORT_DIR] [--password-from-policy POLICY_FILE]';
const say = (line: string): void => console.log(`[review] ${line}`);
function fail(message: string): never {
  console.error(`[review] ${message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { headless: { type: 'boolean', default: !process.env.DISPLAY }, out: { type: 'string' }, 'password-from-policy': { type: 'string' } } });
  } catch (e) {
    fail(`${(e as Error).message}\n${USAGE}`);
  }
  const [source, ...extra] = parsed.positionals;
  if (!source || extra.length > 0) fail(USAGE);
  if (!existsSync(source)) fail(`${path.resolve(source)} does not exist.\n${USAGE}`);
  const passwordHash = proctorPassword(parsed.values['password-from-policy']);
  if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing: install it with \`sudo apt-get install chromium\`.`);

  say('building the review page (vite)…');
  const server = await serveRenderer(await buildRenderer(path.resolve('out', 'renderer')));
  let service: ReviewService;
  let gate: ProctorGate;
  const printer = createPdfPrinter(server.url, () => gate);
  try {
    service = new ReviewService({ source, ...(parsed.values.out ? { exportDir: path.resolve(parsed.values.out) } : {}), printPdf: (id) => printer.print(id) });
    gate = new ProctorGate({ service, passwordHash, root: service.root, log: say });
  } catch (e) {
    await server.close();
    fail((e as Error).message);
  }
  say(`reviewing ${path.resolve(source)} (read-only); notes in ${path.join(service.root, 'vigil-review.json')}; exports to ${service.exportDir}`);
  say(passwordHash ? `the proctor password is asked first; sign-ins are recorded in ${gate.state().logFile}` : 'no proctor password asked (a copy on the proctor\'s computer; see --password-from-policy)');

  const headless = parsed.values.headless;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: headless ? { width: 1400, height: 1000 } : null });
  const page = await context.newPage();
  page.on('pageerror', (e) => say(`page error: ${e.message}`));
  await exposeReview(page, () => gate);
  await page.goto(`${server.url}review.html`);

  const stop = async (why: string): Promise<void> => {
    say(`${why}: closing`);
    await browser.close().catch(() => undefined);
    await printer.close().catch(() => undefined);
    await server.close();
    process.exit(0);
  };
  if (headless) {
    await page.waitForSelector('.attempts-table, [role=alert], .proctor-sign-in');
    const shot = path.join(service.exportDir, 'review-list.png');
    await import('node:fs').then((fs) => fs.mkdirSync(service.exportDir, { recursive: true }));
    await page.screenshot({ path: shot, fullPage: true });
    say(`headless (no DISPLAY): screenshot of the first screen (${passwordHash ? 'the proctor sign-in' : 'the attempts list'}) at ${shot}`);
    await stop('done');
    return;
  }
  page.on('close', () => void stop('the review window was closed'));
  process.on('SIGINT', () => void stop('interrupted'));
  say('review open; press Ctrl+C to stop.');
}

/** The proctor password hash of the given policy file, checked as a development Vigil checks it; null without the option. */
function proctorPassword(policyFile: string | undefined): string | null {
  if (policyFile === undefined) return null;
  const loaded = loadInstalledPolicy({ production: false, managedDir: managedDir(process.platform, process.env), appRoot: process.cwd(), policyFile: path.resolve(policyFile), builtInPublicKey: null });
  if (!loaded.ok) fail(`${loaded.error.title}: ${loaded.error.message}`);
  for (const note of loaded.value.notes) say(note);
  const hash = loaded.value.policy.integrity.lockdown.quitPasswordHash;
  if (hash === null) fail(`${loaded.value.source} sets no proctor password (integrity.lockdown.quitPasswordHash): there is nothing to ask for. Leave out --password-from-policy, or give the policy that has one.`);
  return hash;
}

main().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
