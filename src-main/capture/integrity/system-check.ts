import { type IntegrityPolicy, prohibitedLists } from '../../contract/policy-integrity';
import { desktopSession, type DesktopSession } from './desktop-session';
import { type Probe, type ProbeOutcome, runProbes, xrandrDisplaysProbe } from './environment-probes';
import type { NativeDisplay, NativeLoad } from './native-addon';
import { OsWatcher } from './os-watcher';
import { platformProbes } from './platform-probes';
import { ProcessScanner } from './process-scanner';
import { ProcessWatch, type ProhibitedProcess } from './process-watch';
import { assessSystem, type SystemCheckResult } from './system-assessment';

export interface SystemCheckOptions {
  env?: NodeJS.ProcessEnv;
  loadNative?: () => NativeLoad;
  session?: () => DesktopSession;
  probes?: (processNames: () => { pid: number; name: string }[]) => Probe[];
  /** How long to wait for the OS watcher's first display list. */
  displayWaitMs?: number;
}

/**
 * The pre-exam system check: looks once at the machine (desktop session, native capture,
 * displays, prohibited applications, virtual machine, remote session, debugger) and weighs
 * what it found by the policy. Never throws: whatever fails is a finding.
 */
export async function runSystemCheck(policy: IntegrityPolicy, opts: SystemCheckOptions = {}): Promise<SystemCheckResult> {
  const env = opts.env ?? process.env;
  const session = (opts.session ?? (() => desktopSession(env)))();
  const unavailable: { what: string; reason: string }[] = [];
  const probes: ProbeOutcome[] = [];

  // Displays (and what the OS watcher cannot do here) from the native watcher's first report.
  const os = new OsWatcher({ allow: policy.syntheticInput.allow, runningAccommodations: () => [], load: opts.loadNative, session: () => session });
  let displays: NativeDisplay[] | null = null;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, opts.displayWaitMs ?? 1500);
    os.start((o) => {
      if (o.kind === 'capture_unavailable') unavailable.push({ what: o.what, reason: o.reason });
      if (o.kind === 'display_changed' && displays === null) {
        displays = o.displays;
        clearTimeout(timer);
        resolve();
      }
    });
    if (!os.nativeAddon) {
      clearTimeout(timer);
      resolve();
    }
  });
  const addon = os.nativeAddon;
  os.stop();

  const extraProbes: Probe[] = [];
  if (displays === null && (session.kind === 'x11' || (session.kind === 'wayland' && session.display))) extraProbes.push(xrandrDisplaysProbe(env));

  // Prohibited applications: one full look at every process.
  const prohibited: ProhibitedProcess[] = [];
  let names: { pid: number; name: string }[] = [];
  if (process.platform === 'linux') {
    const watch = new ProcessWatch({
      lists: prohibitedLists(policy),
      scanMs: policy.processScanMs,
      fullRescanSeconds: 0,
      onProhibited: (p) => prohibited.push(p),
      onError: (reason) => probes.push({ probe: 'processes', ok: false, reason }),
    });
    watch.start();
    watch.stop();
    try {
      names = new ProcessScanner().all().map((p) => ({ pid: p.pid, name: p.comm ?? '' }));
    } catch {
      // the process watch above has already reported why /proc cannot be read
    }
  } else {
    unavailable.push({ what: 'processes', reason: `the process check is not built for ${process.platform} yet` });
  }

  const list = opts.probes ? opts.probes(() => names) : platformProbes(env, () => names, addon);
  probes.push(...(await runProbes([...list, ...extraProbes], policy.probeTimeoutMs)));
  for (const o of probes) if (o.ok && o.finding.kind === 'displays' && displays === null) displays = o.finding.displays;

  return assessSystem({ session, unavailable, prohibited, displays, probes }, policy.checks);
}
