import path from 'node:path';
import { err, ok } from '../contract';
import type { Result } from '../contract';

/** What the command line may set. Everything else comes from the policy file (not signed yet). */
export interface LaunchFlags {
  /** Exam server base URL; overrides the policy's `serverUrl`. */
  serverUrl: string | null;
  /** Exam file; the bundled demo exam when absent. */
  examFile: string | null;
  /** Policy file; the bundled default policy when absent. */
  policyFile: string | null;
  /** Where attempt databases and the log live; Electron's userData when absent. */
  dataDir: string | null;
  studentId: string | null;
  /** better-sqlite3 built for Electron's ABI (`npm start` builds it); packaged apps need none. */
  nativeBinding: string | null;
  /** An attempt database or a folder of them: open the proctor's read-only review instead of an exam. */
  reviewSource: string | null;
}

const FLAG_NAMES = {
  '--server-url': 'serverUrl',
  '--exam': 'examFile',
  '--policy': 'policyFile',
  '--data-dir': 'dataDir',
  '--student-id': 'studentId',
  '--native-binding': 'nativeBinding',
  '--review': 'reviewSource',
} as const satisfies Record<string, keyof LaunchFlags>;
type FlagName = keyof typeof FLAG_NAMES;

/**
 * Flags an installed (packaged) Vigil refuses: each would let whoever starts the exam choose
 * its rules (a lenient policy, another exam, a fresh data folder and so a fresh risk score,
 * their own upload server) or load outside native code. They are for `npm start` and tests;
 * an installation takes them from what IT packaged (and, later, the signed policy).
 */
export function flagsRefusedWhenPackaged(flags: LaunchFlags): string[] {
  return (Object.entries(FLAG_NAMES) as [FlagName, keyof LaunchFlags][])
    // --review chooses no rules: it only reads attempts, and is how an installed Vigil opens them.
    .filter(([, field]) => field !== 'studentId' && field !== 'reviewSource' && flags[field] !== null)
    .map(([name]) => name);
}

const PATH_FIELDS: ReadonlySet<keyof LaunchFlags> = new Set(['examFile', 'policyFile', 'dataDir', 'nativeBinding', 'reviewSource']);
const STUDENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

const isFlagName = (s: string): s is FlagName => Object.hasOwn(FLAG_NAMES, s);

/**
 * Reads our flags out of the whole argv. Electron, Chromium and Playwright add their own
 * switches (`--inspect=0`, `--remote-debugging-port=0`, `--no-sandbox`), so anything that
 * is not ours is ignored rather than refused. Accepts `--flag value` and `--flag=value`;
 * a later occurrence wins. Relative paths resolve against `cwd`.
 */
export function parseLaunchFlags(argv: readonly string[], cwd: string): Result<LaunchFlags> {
  const flags: LaunchFlags = {
    serverUrl: null,
    examFile: null,
    policyFile: null,
    dataDir: null,
    studentId: null,
    nativeBinding: null,
    reviewSource: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!isFlagName(name)) continue;
    let value: string | undefined;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) {
        return err('invalid_input', `${name} needs a value (e.g. ${name}=${example(name)}).`);
      }
      i++;
    }
    if (value.trim() === '') return err('invalid_input', `${name} needs a value, got an empty one.`);
    const field = FLAG_NAMES[name];
    const checked = checkValue(name, value);
    if (!checked.ok) return checked;
    flags[field] = PATH_FIELDS.has(field) ? path.resolve(cwd, checked.value) : checked.value;
  }
  return ok(flags);
}

function checkValue(name: FlagName, value: string): Result<string> {
  if (name === '--server-url') {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return err('invalid_input', `--server-url "${value}" is not a URL (e.g. http://127.0.0.1:8787).`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return err('invalid_input', `--server-url must be http or https, got ${url.protocol}`);
    }
    // The uploader appends /api/...; a trailing slash would double it.
    return ok(url.href.replace(/\/+$/, ''));
  }
  if (name === '--student-id' && !STUDENT_ID.test(value)) {
    return err('invalid_input', `--student-id "${value}" must be 1-64 letters, digits, _ or -.`);
  }
  return ok(value);
}

function example(name: FlagName): string {
  switch (name) {
    case '--server-url':
      return 'http://127.0.0.1:8787';
    case '--student-id':
      return 's1234';
    default:
      return 'path';
  }
}

/**
 * Switches that hand control of the app to another program: Chromium's DevTools protocol
 * (`--remote-debugging-port`/`-pipe`) is not covered by any Electron fuse, and the Node
 * inspector ones are only when the nodeCliInspect fuse is flipped. A packaged exam refuses
 * to start with any of them; development and the Playwright suite need them.
 */
const DEBUGGING_SWITCHES = [
  '--remote-debugging-port',
  '--remote-debugging-pipe',
  '--remote-debugging-address',
  '--remote-allow-origins',
  '--inspect',
  '--inspect-brk',
  '--inspect-port',
  '--inspect-publish-uid',
  '--debug',
  '--debug-brk',
];

export function debuggingSwitches(argv: readonly string[]): string[] {
  return argv.filter((arg) => {
    // Chromium's base::CommandLine also takes `-` (and `/` on Windows) as a switch prefix
    // and lowercases switch names on Windows: `-Remote-Debugging-Port=9222` opens the port.
    const name = (arg.split('=')[0] ?? '').toLowerCase().replace(/^(--|-|\/)/, '--');
    return DEBUGGING_SWITCHES.includes(name);
  });
}
