// `npm run security`: Electronegativity over the sources (src-main, src-renderer) and over
// the production main and preload bundles as scripts/build.mjs makes them. Electronegativity
// exits 0 whatever it finds, so this reads its findings (scripts/electronegativity-scan.cjs prints them as JSON) and fails on every finding that
// security/electronegativity-allowlist.json does not list with a reason, and on allow-list
// entries that no longer match anything (a fixed finding must leave the list).
//
// Offline: its AvailableSecurityFixesGlobalCheck downloads Electron's release list, so it is
// skipped here (npm audit and the Electron version pin cover that); every other download it
// tries fails at once (scripts/electronegativity-offline.cjs) and it falls back to English. Exit 0 clean, 1 findings or a scan that failed.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMain, buildPreload } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
export const ALLOWLIST_FILE = path.join(root, 'security', 'electronegativity-allowlist.json');
const SCANNER = path.join(root, 'scripts', 'electronegativity-scan.cjs');
const MARK = '@@electronegativity@@';
const ELECTRON_VERSION = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const SCAN_TIMEOUT_MS = 180_000;

/**
 * Runs Electronegativity on `input` (scripts/electronegativity-scan.cjs) and returns its
 * findings as { check, file, line, severity } with `file` relative to `input`, prefixed with
 * `label` (global checks, which point at no file, get `label` alone).
 */
export async function scan(input, label) {
  const output = await run(process.execPath, [SCANNER, input, ELECTRON_VERSION], { LANG: 'en-US' });
  const line = output.split('\n').find((l) => l.startsWith(MARK));
  if (!line) throw new Error(`Electronegativity printed no report for ${label}; its output:\n${output.slice(-2000)}`);
  const report = JSON.parse(line.slice(MARK.length));
  // A file it could not parse is a file it did not check: fail closed.
  const parseErrors = report.errors.filter((e) => !e.tolerable);
  if (parseErrors.length > 0) {
    throw new Error(`Electronegativity could not parse ${label}:\n${parseErrors.map((e) => `${e.file}: ${e.message}`).join('\n')}`);
  }
  return findingsFromReport(report, label);
}

export function findingsFromReport(report, label) {
  if (!Array.isArray(report?.issues)) throw new Error(`the report for ${label} has no issues array`);
  return report.issues.map((i) => ({
    check: i.check,
    file: !i.file || i.file === 'N/A' ? label : `${label}/${i.file.replace(/\\/g, '/')}`,
    line: i.line,
    severity: i.severity,
  }));
}

/** Reads and checks the allow-list: every entry names a check and a file and says why. */
export function loadAllowlist(file = ALLOWLIST_FILE) {
  const entries = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(entries)) throw new Error(`${file} must be a JSON array of { check, file, reason }`);
  entries.forEach((e, i) => {
    for (const k of ['check', 'file', 'reason']) {
      if (typeof e?.[k] !== 'string' || e[k].trim() === '') throw new Error(`${file} entry ${i} has no "${k}"`);
    }
    if (e.reason.trim().length < 40) throw new Error(`${file} entry ${i} (${e.check} in ${e.file}): the reason must say why it is safe, in a sentence`);
  });
  return entries;
}

/** Findings the allow-list does not cover, and allow-list entries nothing matched. */
export function judge(findings, allowlist) {
  const used = new Set();
  const unallowed = findings.filter((f) => {
    const i = allowlist.findIndex((e) => e.check === f.check && e.file === f.file);
    if (i === -1) return true;
    used.add(i);
    return false;
  });
  const stale = allowlist.filter((_, i) => !used.has(i));
  return { unallowed, stale };
}

function run(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Electronegativity took longer than ${SCAN_TIMEOUT_MS / 1000} s`));
    }, SCAN_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`Electronegativity exited with ${code}:\n${out.slice(-2000)}`));
      else resolve(out);
    });
  });
}

/** The production bundles, built into a temporary folder (the preload as .js: Electronegativity skips .cjs). */
async function buildBundles() {
  const out = mkdtempSync(path.join(tmpdir(), 'vigil-security-bundle-'));
  await Promise.all([buildMain(out, { production: true }), buildPreload(out)]);
  const scanDir = path.join(out, 'scan');
  mkdirSync(scanDir);
  copyFileSync(path.join(out, 'main', 'main.js'), path.join(scanDir, 'main.js'));
  copyFileSync(path.join(out, 'preload', 'preload.cjs'), path.join(scanDir, 'preload.js'));
  copyFileSync(path.join(out, 'preload', 'review-preload.cjs'), path.join(scanDir, 'review-preload.js'));
  return { scanDir, cleanup: () => rmSync(out, { recursive: true, force: true }) };
}

async function main() {
  const started = Date.now();
  const allowlist = loadAllowlist();
  const bundles = await buildBundles();
  try {
    const results = await Promise.all([
      scan(path.join(root, 'src-main'), 'src-main'),
      scan(path.join(root, 'src-renderer'), 'src-renderer'),
      scan(bundles.scanDir, 'bundle'),
    ]);
    const findings = results.flat();
    const { unallowed, stale } = judge(findings, allowlist);
    for (const f of unallowed) console.error(`security: ${f.severity} ${f.check} in ${f.file}:${f.line} is not in security/electronegativity-allowlist.json (fix it, or add it there with the reason it is safe)`);
    for (const e of stale) console.error(`security: allow-list entry ${e.check} in ${e.file} matches nothing any more; remove it`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (unallowed.length > 0 || stale.length > 0) {
      console.error(`security: FAILED: ${unallowed.length} finding(s) not allowed, ${stale.length} stale allow-list entr${stale.length === 1 ? 'y' : 'ies'} (${seconds} s)`);
      return 1;
    }
    console.log(`security: Electronegativity ${findings.length} finding(s), all allow-listed with reasons, over src-main, src-renderer and the production bundles (${seconds} s)`);
    return 0;
  } finally {
    bundles.cleanup();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => (process.exitCode = code),
    (e) => {
      console.error(`security: FAILED: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
