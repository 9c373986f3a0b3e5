import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import inspector from 'node:inspector';
import { parseXrandrMonitors } from './display-parsers';
import type { NativeDisplay } from './native-addon';
import { cleanExePath, parseProcStatus } from './proc-parsers';
import { parseListeningPorts, remoteEvidenceFromEnv, remoteEvidenceFromPorts, remoteEvidenceFromProcesses } from './remote-evidence';
import { DMI_FILES, vmEvidenceFromCpuinfo, vmEvidenceFromDmi, vmEvidenceFromMacs } from './vm-evidence';

/** What one probe found; an empty evidence list means "looked, found nothing". */
export type ProbeFinding =
  | { kind: 'virtual_machine'; evidence: string[] }
  | { kind: 'remote_session'; evidence: string[] }
  | { kind: 'debugger'; evidence: string[]; tracer: { pid: number; executable: string | null; name: string | null } | null }
  | { kind: 'displays'; displays: NativeDisplay[] };

export interface Probe {
  name: string;
  run(): Promise<ProbeFinding>;
  /**
   * How often it is looked at again while the exam runs (a remote session or a tracer can
   * start later); null = once (the machine stays the machine).
   */
  everyMs: number | null;
}

export type ProbeOutcome = { probe: string; ok: true; finding: ProbeFinding } | { probe: string; ok: false; reason: string };

/**
 * Runs every probe, each under its own deadline. A probe that throws or does not answer in
 * time is an outcome with a reason (fails closed); it never stops the others.
 */
export async function runProbes(probes: Probe[], timeoutMs: number): Promise<ProbeOutcome[]> {
  return Promise.all(
    probes.map(async (p): Promise<ProbeOutcome> => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        return { probe: p.name, ok: true, finding: await Promise.race([Promise.resolve().then(() => p.run()), deadline]) };
      } catch (e) {
        return { probe: p.name, ok: false, reason: (e as Error).message || String(e) };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

/** Reads a file that may legitimately be absent (no DMI on ARM boards, no such card): absent is undefined. */
function optional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return undefined;
    throw e;
  }
}

export const linuxVmProbe: Probe = {
  name: 'virtual_machine',
  everyMs: null,
  run: async () => {
    const dmi = Object.fromEntries(DMI_FILES.map((f) => [f, optional(`/sys/class/dmi/id/${f}`)]));
    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    const cards = (optionalDir('/sys/class/net') ?? []).flatMap((name) => {
      const mac = optional(`/sys/class/net/${name}/address`);
      return mac ? [{ name, mac }] : [];
    });
    return { kind: 'virtual_machine', evidence: [...vmEvidenceFromDmi(dmi), ...vmEvidenceFromCpuinfo(cpuinfo), ...vmEvidenceFromMacs(cards)] };
  },
};

/** Remote session: SSH / X forwarding in the environment, RDP/VNC listeners, remote desktop servers running. */
export function linuxRemoteProbe(env: NodeJS.ProcessEnv, processes: () => { pid: number; name: string }[]): Probe {
  return {
    name: 'remote_session',
    // /proc/net/tcp lists every socket of the machine (TIME_WAIT included): measured at
    // ~10 ms a read on a busy machine, so not every few seconds. Remote-control programs
    // are seen at once by the process watch anyway.
    everyMs: 30_000,
    run: async () => {
      const ports = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((f) => {
        const text = optional(f);
        return text ? parseListeningPorts(text) : [];
      });
      return {
        kind: 'remote_session',
        evidence: [...remoteEvidenceFromEnv(env), ...remoteEvidenceFromPorts([...new Set(ports)]), ...remoteEvidenceFromProcesses(processes())],
      };
    },
  };
}

/** A tracer (gdb, strace) attached to this very process, or Node's inspector open. */
export function tracerProbe(statusText: () => string = () => readFileSync('/proc/self/status', 'utf8')): Probe {
  return {
    name: 'debugger',
    everyMs: 5_000,
    run: async () => {
      const evidence: string[] = [];
      let tracer: { pid: number; executable: string | null; name: string | null } | null = null;
      if (process.platform === 'linux') {
        const status = parseProcStatus(statusText());
        if (!status) throw new Error('/proc/self/status is not readable as a status file');
        if (status.tracerPid !== 0) {
          tracer = { pid: status.tracerPid, executable: null, name: null };
          try {
            tracer.executable = cleanExePath(readlinkSync(`/proc/${status.tracerPid}/exe`));
          } catch {
            // the tracer runs as another user (root): its pid is the evidence
          }
          tracer.name = optional(`/proc/${status.tracerPid}/comm`)?.trim() ?? null;
          evidence.push(`process ${status.tracerPid}${tracer.name ? ` (${tracer.name})` : ''} is tracing Vigil (TracerPid)`);
        }
      }
      const url = inspector.url();
      if (url) evidence.push(`the JavaScript inspector is open (${url})`);
      const flags = [...process.execArgv, ...process.argv].filter((a) => /^--(inspect|remote-debugging-port)/.test(a));
      if (flags.length > 0) evidence.push(`started with debugging flags: ${flags.join(' ')}`);
      return { kind: 'debugger', evidence, tracer };
    },
  };
}

/** Displays through `xrandr --listmonitors`: the fallback when the native addon is not loaded. */
export function xrandrDisplaysProbe(env: NodeJS.ProcessEnv): Probe {
  return {
    name: 'displays',
    everyMs: 5_000,
    run: () =>
      new Promise((resolve, reject) => {
        execFile('xrandr', ['--listmonitors'], { env, timeout: 5000 }, (error, stdout) => {
          if (error) return reject(new Error(`xrandr --listmonitors failed: ${error.message.split('\n')[0]}`));
          const displays = parseXrandrMonitors(stdout);
          if (!displays) return reject(new Error(`xrandr --listmonitors printed something unexpected: ${stdout.slice(0, 200)}`));
          resolve({ kind: 'displays', displays });
        });
      }),
  };
}

/** Virtual machine outside Linux: systeminformation reads the platform's own tables (WMI, ioreg). */
export const portableVmProbe: Probe = {
  name: 'virtual_machine',
  everyMs: null,
  run: async () => {
    const si = await import('systeminformation');
    const s = await si.system();
    return { kind: 'virtual_machine', evidence: s.virtual ? [`the system reports a virtual machine${s.virtualHost ? ` (${s.virtualHost})` : ''}`] : [] };
  },
};

/** Windows' own answer (SM_REMOTESESSION) plus the environment. */
export function nativeRemoteProbe(env: NodeJS.ProcessEnv, flag: (() => number) | null): Probe {
  return {
    name: 'remote_session',
    everyMs: 5_000,
    run: async () => {
      const evidence = remoteEvidenceFromEnv(env);
      if (flag && flag() === 1) evidence.push('Windows reports a remote session (SM_REMOTESESSION)');
      return { kind: 'remote_session', evidence };
    },
  };
}

function optionalDir(path: string): string[] | undefined {
  try {
    return readdirSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
