import { type IntegrityPolicy, prohibitedLists } from '../../contract/policy-integrity';
import { type Probe, type ProbeOutcome, runProbes } from './environment-probes';
import type { NativeLoad } from './native-addon';
import type { IntegrityObservation, ObservationSink } from './observation';
import { OsWatcher } from './os-watcher';
import { platformProbes } from './platform-probes';
import { ProcessWatch } from './process-watch';
import type { DesktopSession } from './desktop-session';

export interface IntegrityMonitorOptions {
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  /** Tests: a fake or failing native addon, a given desktop session, given probes. */
  loadNative?: () => NativeLoad;
  session?: () => DesktopSession;
  probes?: (processNames: () => { pid: number; name: string }[]) => Probe[];
  /** How often the monitor looks whether a probe is due again (each probe says how often it wants to run). */
  reprobeMs?: number;
}

/**
 * The whole OS-level integrity capture: the native OS watcher (foreground, injected input,
 * displays), the process watch, and the environment probes, as one stream of
 * IntegrityObservations. Each part that cannot run says so in the stream and the others go on.
 */
export class IntegrityMonitor {
  private readonly os: OsWatcher;
  private readonly processes: ProcessWatch;
  private emit: ObservationSink | null = null;
  private probeTimer: NodeJS.Timeout | null = null;
  private probing = false;
  /** When each probe last ran. */
  private readonly probedAt = new Map<string, number>();
  /** Last evidence reported per probe, so a steady condition is reported once, a change again. */
  private readonly reported = new Map<string, string>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly now: () => number;

  constructor(
    private readonly policy: IntegrityPolicy,
    private readonly opts: IntegrityMonitorOptions = {},
  ) {
    this.env = opts.env ?? process.env;
    this.now = opts.now ?? Date.now;
    const accommodations = policy.syntheticInput.allow.flatMap((a) => (a.process ? [a.process] : []));
    this.processes = new ProcessWatch({
      lists: prohibitedLists(policy),
      accommodations,
      scanMs: policy.processScanMs,
      fullRescanSeconds: policy.fullRescanSeconds,
      onProhibited: (p) => this.emit?.({ kind: 'prohibited_app', ...p }),
      onError: (reason) => this.emit?.({ t: this.now(), kind: 'capture_unavailable', what: 'processes', reason }),
      now: this.now,
    });
    this.os = new OsWatcher({
      allow: policy.syntheticInput.allow,
      runningAccommodations: () => this.processes.runningAccommodations(),
      load: opts.loadNative,
      session: opts.session,
    });
  }

  start(emit: ObservationSink): void {
    if (this.emit) return;
    this.emit = emit;
    this.os.start(emit);
    if (process.platform === 'linux') this.processes.start();
    else emit({ t: this.now(), kind: 'capture_unavailable', what: 'processes', reason: `the process watch reads /proc and is not built for ${process.platform} yet` });
    void this.probe();
    this.probeTimer = setInterval(() => void this.probe(), this.opts.reprobeMs ?? 5000);
    this.probeTimer.unref();
  }

  stop(): void {
    this.os.stop();
    this.processes.stop();
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
    this.emit = null;
  }

  get processWatch(): ProcessWatch {
    return this.processes;
  }

  get osWatcher(): OsWatcher {
    return this.os;
  }

  private async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      const names = () => this.processes.runningNames();
      const all = this.opts.probes ? this.opts.probes(names) : platformProbes(this.env, names, this.os.nativeAddon);
      const now = this.now();
      const probes = all.filter((p) => {
        const last = this.probedAt.get(p.name);
        return last === undefined || (p.everyMs !== null && now - last >= p.everyMs);
      });
      for (const p of probes) this.probedAt.set(p.name, now);
      for (const o of await runProbes(probes, this.policy.probeTimeoutMs)) this.report(o);
    } finally {
      this.probing = false;
    }
  }

  private report(o: ProbeOutcome): void {
    const emit = this.emit;
    if (!emit) return;
    const t = this.now();
    const once = (key: string, value: string, send: () => void) => {
      if (this.reported.get(key) === value) return;
      this.reported.set(key, value);
      send();
    };
    if (!o.ok) {
      once(o.probe, `failed:${o.reason}`, () => emit({ t, kind: 'capture_unavailable', what: o.probe, reason: `the ${o.probe} probe failed: ${o.reason}` }));
      return;
    }
    const f = o.finding;
    const observation: IntegrityObservation | null =
      f.kind === 'virtual_machine' || f.kind === 'remote_session'
        ? f.evidence.length > 0
          ? { t, kind: f.kind, evidence: f.evidence }
          : null
        : f.kind === 'debugger' && f.evidence.length > 0
          ? {
              t,
              kind: 'prohibited_app',
              pid: f.tracer?.pid ?? process.pid,
              executable: f.tracer?.executable ?? null,
              name: f.tracer?.name ?? f.evidence.join('; '),
              category: 'debugger',
              entry: 'attached to Vigil',
              via: 'tracer_pid',
            }
          : null;
    const key = f.kind === 'displays' ? 'clean' : JSON.stringify(f.evidence);
    once(o.probe, key, () => {
      if (observation) emit(observation);
    });
  }
}
