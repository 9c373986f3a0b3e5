import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { ProcessIdentity } from './prohibited-matcher';
import { cleanExePath, parseArgv0, parseLastPid, parseProcStatus } from './proc-parsers';

/** The few /proc reads the scanner makes, injectable so tests can feed recorded text. */
export interface ProcReader {
  text(path: string): string;
  bytes(path: string): Buffer;
  link(path: string): string;
  list(path: string): string[];
}

export const realProc: ProcReader = {
  text: (p) => readFileSync(p, 'utf8'),
  bytes: (p) => readFileSync(p),
  link: (p) => readlinkSync(p),
  list: (p) => readdirSync(p),
};

export interface ScannedProcess extends ProcessIdentity {
  ppid: number;
}

/** New pids further apart than this are found by listing /proc instead of probing each. */
const MAX_RANGE = 4096;
/** The kernel hands out pids from here again after wrapping at pid_max. */
const FIRST_WRAPPED_PID = 300;
/**
 * A new process's executable is looked at again for this long, since a fork can be read
 * before its exec (fork-then-exec takes well under a millisecond to a few ms; a shell
 * script between them a little longer).
 */
const YOUNG_MS = 1000;
const MAX_YOUNG = 1024;

export interface ScannerStats {
  polls: number;
  /** Polls that cost one read of /proc/loadavg because nothing was created. */
  idlePolls: number;
  /** /proc/PID reads for new pids (threads included: they share the pid space). */
  pidProbes: number;
  fullScans: number;
  /** Polls that listed /proc because many pids were created at once. */
  listings: number;
}

/**
 * Finds processes started since the last poll without walking every process: the kernel's
 * last-allocated pid says whether anything was created, and if so which pids are new. Idle,
 * a poll is one small read whatever runs; a few new pids are probed one by one; a burst of
 * them costs one listing of /proc (names only) plus a read of each new process. Only after a
 * pid wrap-around past MAX_RANGE, or when asked, is every process read.
 */
export class ProcessScanner {
  private lastPid: number | null = null;
  private pidMax = 4_194_304;
  private young = new Map<number, { seenAt: number; exe: string | null }>();
  /**
   * Pids of processes seen so far. Pids only grow until the kernel wraps them, so a listed
   * pid not in here is new; exited ones leave at the next listing.
   */
  private known = new Set<number>();
  readonly stats: ScannerStats = { polls: 0, idlePolls: 0, pidProbes: 0, fullScans: 0, listings: 0 };

  constructor(
    private readonly proc: ProcReader = realProc,
    private readonly now: () => number = Date.now,
  ) {
    try {
      const n = Number.parseInt(proc.text('/proc/sys/kernel/pid_max'), 10);
      if (Number.isSafeInteger(n) && n > 0) this.pidMax = n;
    } catch {
      // keep the kernel's 64-bit default
    }
  }

  /** Every process now; also sets the starting point for `poll`. Throws when /proc cannot be read. */
  all(): ScannedProcess[] {
    this.lastPid = this.readLastPid();
    this.stats.fullScans++;
    const out: ScannedProcess[] = [];
    const pids = this.listPids();
    for (const pid of pids) {
      const p = this.read(pid);
      if (p) out.push(p);
    }
    this.known = new Set(pids);
    return out;
  }

  /** Processes created (or that replaced their program soon after creation) since the last poll. */
  poll(): ScannedProcess[] {
    this.stats.polls++;
    const out: ScannedProcess[] = [];
    this.recheckYoung(out);
    const current = this.readLastPid();
    const previous = this.lastPid;
    this.lastPid = current;
    if (previous === null || current === previous) {
      if (out.length === 0) this.stats.idlePolls++;
      return out;
    }
    const ranges = this.newRanges(previous, current);
    if (ranges === null) {
      for (const p of this.all()) if (!this.young.has(p.pid)) out.push(this.remember(p));
      return out;
    }
    const count = ranges.reduce((n, [from, to]) => n + to - from + 1, 0);
    if (count > 8 + this.known.size / 64) {
      // Many new pids (threads take pids too): one listing of /proc, which shows processes
      // only, is cheaper than probing each pid.
      this.stats.listings++;
      const pids = this.listPids();
      for (const pid of pids) {
        if (this.known.has(pid)) continue;
        this.stats.pidProbes++;
        const p = this.read(pid);
        if (p) out.push(this.remember(p));
      }
      this.known = new Set(pids);
      return out;
    }
    for (const [from, to] of ranges) {
      for (let pid = from; pid <= to; pid++) {
        this.stats.pidProbes++;
        const p = this.read(pid);
        if (p) {
          this.known.add(pid);
          out.push(this.remember(p));
        }
      }
    }
    return out;
  }

  private listPids(): number[] {
    const pids: number[] = [];
    for (const entry of this.proc.list('/proc')) if (/^\d+$/.test(entry)) pids.push(Number(entry));
    return pids;
  }

  /** Whether a pid still names a live process (for the few processes someone cares about). */
  alive(pid: number): boolean {
    try {
      const s = parseProcStatus(this.proc.text(`/proc/${pid}/status`));
      return s !== null && s.tgid === pid;
    } catch {
      return false;
    }
  }

  /** One process's identity, or null when it is a thread, gone, or unreadable. */
  read(pid: number): ScannedProcess | null {
    let status;
    try {
      status = parseProcStatus(this.proc.text(`/proc/${pid}/status`));
    } catch {
      return null; // exited (or never was: a pid in the range may have been a short thread)
    }
    if (!status || status.tgid !== pid) return null;
    let executable: string | null = null;
    try {
      executable = cleanExePath(this.proc.link(`/proc/${pid}/exe`));
    } catch {
      // another user's process, a kernel thread, or it exited: the names below still count
    }
    let argv0: string | null = null;
    try {
      argv0 = parseArgv0(this.proc.bytes(`/proc/${pid}/cmdline`));
    } catch {
      // exited mid-read
    }
    if (executable === null && argv0 === null && status.ppid === 2) return null; // kernel thread
    return { pid, ppid: status.ppid, executable, comm: status.name, argv0 };
  }

  private readLastPid(): number {
    const last = parseLastPid(this.proc.text('/proc/loadavg'));
    if (last === null) throw new Error('/proc/loadavg does not end with the last pid');
    return last;
  }

  private newRanges(previous: number, current: number): [number, number][] | null {
    if (current > previous) return current - previous <= MAX_RANGE ? [[previous + 1, current]] : null;
    const tail = this.pidMax - 1 - previous;
    const head = current - FIRST_WRAPPED_PID + 1;
    if (tail < 0 || head < 0 || tail + head > MAX_RANGE) return null;
    return [
      [previous + 1, this.pidMax - 1],
      [FIRST_WRAPPED_PID, current],
    ];
  }

  private remember(p: ScannedProcess): ScannedProcess {
    if (this.young.size >= MAX_YOUNG) this.young.delete(this.young.keys().next().value!);
    this.young.set(p.pid, { seenAt: this.now(), exe: p.executable });
    return p;
  }

  private recheckYoung(out: ScannedProcess[]): void {
    const now = this.now();
    for (const [pid, y] of this.young) {
      if (now - y.seenAt > YOUNG_MS) {
        this.young.delete(pid);
        continue;
      }
      // One readlink per young process per poll; the full read only after an exec.
      let exe: string | null;
      try {
        exe = cleanExePath(this.proc.link(`/proc/${pid}/exe`));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
          this.young.delete(pid); // exited
          continue;
        }
        exe = null;
      }
      if (exe === y.exe) continue;
      const p = this.read(pid);
      if (!p) {
        this.young.delete(pid);
        continue;
      }
      y.exe = p.executable;
      out.push(p);
    }
  }
}
