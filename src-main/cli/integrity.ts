/**
 * OS-level integrity capture from the command line (IT's system check, and acceptance).
 *
 *   integrity watch [--seconds N] [--policy FILE]
 *     One JSON object per line as observations happen: {"t":<epoch ms>,"kind":"<kind>",...}
 *     with kind foreground_changed, prohibited_app, synthetic_input, display_changed,
 *     virtual_machine, remote_session or capture_unavailable. Runs N seconds or until
 *     SIGINT/SIGTERM, then exits 0.
 *   integrity check [--policy FILE]
 *     One object {"ok":bool,"findings":[{"kind","severity","message",...}]}; exit 0 when ok, 1 otherwise.
 *
 * Usage or policy errors go to stderr with exit code 2.
 */
import type { IntegrityObservation } from '../capture/integrity/observation';
import type { Policy } from '../contract/policy';

// Signal handlers before anything else loads: a SIGINT or SIGTERM that arrives while no
// handler exists kills the process (130) instead of ending the watch with 0. `on`, not
// `once`: under npm the signal often arrives twice (forwarded by npm, and sent to the whole
// process group), and the second must not kill us either. The modules come after (import()).
let stopRequested = false;
let onStop: (() => void) | null = null;
const requestStop = () => {
  stopRequested = true;
  onStop?.();
};
process.on('SIGINT', requestStop);
process.on('SIGTERM', requestStop);

const USAGE = `usage:
  integrity watch [--seconds N] [--policy FILE]
  integrity check [--policy FILE]`;

class UsageError extends Error {}
class PolicyError extends Error {}

interface Args {
  command: 'watch' | 'check';
  seconds: number | null;
  policyFile: string | null;
}

function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command !== 'watch' && command !== 'check') throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  let seconds: number | null = null;
  let policyFile: string | null = null;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    const value = rest[i + 1];
    if (flag === '--policy') {
      if (value === undefined) throw new UsageError('--policy needs a file');
      policyFile = value;
      i++;
    } else if (flag === '--seconds' && command === 'watch') {
      const n = Number(value);
      if (value === undefined || !Number.isFinite(n) || n <= 0) throw new UsageError('--seconds needs a positive number');
      seconds = n;
      i++;
    } else {
      throw new UsageError(`unknown option "${flag}"`);
    }
  }
  return { command, seconds, policyFile };
}

async function loadPolicy(file: string | null): Promise<Policy> {
  if (file === null) return (await import('../contract/policy')).defaultPolicy();
  const r = (await import('../exam/exam-files')).loadPolicyFile(file);
  if (!r.ok) throw new PolicyError(r.error.message);
  return r.value;
}

/** `t` and `kind` first, as the contract prints them. */
function line(o: IntegrityObservation): string {
  const { t, kind, ...rest } = o;
  return JSON.stringify({ t, kind, ...rest }) + '\n';
}

async function watch(policy: Policy, seconds: number | null): Promise<void> {
  const { IntegrityMonitor } = await import('../capture/integrity/integrity-monitor');
  const monitor = new IntegrityMonitor(policy.integrity);
  process.stdout.on('error', () => {}); // a closed pipe (| head) must not crash the watch
  const stopped = new Promise<void>((resolve) => (onStop = resolve));
  if (stopRequested) return;
  const keepAlive = setInterval(() => {}, 1 << 30);
  if (seconds !== null) setTimeout(requestStop, seconds * 1000);
  monitor.start((o) => process.stdout.write(line(o)));
  await stopped;
  clearInterval(keepAlive);
  monitor.stop();
}

async function main(): Promise<number> {
  let args: Args;
  let policy: Policy;
  try {
    args = parseArgs(process.argv.slice(2));
    policy = await loadPolicy(args.policyFile);
  } catch (e) {
    if (e instanceof PolicyError) process.stderr.write(`integrity: ${e.message}\n`);
    else if (e instanceof UsageError) process.stderr.write(`integrity: ${e.message}\n${USAGE}\n`);
    else throw e;
    return 2;
  }
  if (args.command === 'watch') {
    await watch(policy, args.seconds);
    return 0;
  }
  const { runSystemCheck } = await import('../capture/integrity/system-check');
  const result = await runSystemCheck(policy.integrity);
  process.stdout.write(JSON.stringify(result) + '\n');
  return result.ok ? 0 : 1;
}

main().then(
  (code) => {
    // stdout may still be draining into a pipe: set the code and let Node exit by itself.
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (e: unknown) => {
    process.stderr.write(`integrity: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  },
);
