import type { ProcReader } from '../../../../src-main/capture/integrity/process-scanner';

export interface FakeProcess {
  name: string;
  ppid?: number;
  exe?: string | null;
  argv?: string[];
  /** A thread of this tgid (pid != tgid). */
  threadOf?: number;
  /** The status file vanishes after this many reads (the process exits mid-scan). */
  exitAfterReads?: number;
}

/** An in-memory /proc: processes by pid, /proc/loadavg's last pid, and a count of every read. */
export class FakeProc implements ProcReader {
  readonly procs = new Map<number, FakeProcess>();
  lastPid = 0;
  reads = 0;
  private statusReads = new Map<number, number>();

  add(pid: number, p: FakeProcess): void {
    this.procs.set(pid, p);
    if (pid > this.lastPid) this.lastPid = pid;
  }

  text(path: string): string {
    this.reads++;
    if (path === '/proc/loadavg') return `0.10 0.20 0.30 1/${this.procs.size} ${this.lastPid}\n`;
    if (path === '/proc/sys/kernel/pid_max') return '32768\n';
    const m = /^\/proc\/(\d+)\/status$/.exec(path);
    if (!m) throw enoent(path);
    const pid = Number(m[1]);
    const p = this.procs.get(pid);
    if (!p) throw enoent(path);
    const n = (this.statusReads.get(pid) ?? 0) + 1;
    this.statusReads.set(pid, n);
    if (p.exitAfterReads !== undefined && n > p.exitAfterReads) {
      this.procs.delete(pid);
      throw enoent(path);
    }
    const tgid = p.threadOf ?? pid;
    return `Name:\t${p.name}\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t${tgid}\nNgid:\t0\nPid:\t${pid}\nPPid:\t${p.ppid ?? 1}\nTracerPid:\t0\nUid:\t1000\t1000\t1000\t1000\n`;
  }

  bytes(path: string): Buffer {
    this.reads++;
    const p = this.procs.get(pidOf(path));
    if (!p) throw enoent(path);
    return Buffer.from((p.argv ?? []).map((a) => a + '\u0000').join(''));
  }

  link(path: string): string {
    this.reads++;
    const p = this.procs.get(pidOf(path));
    if (!p) throw enoent(path);
    if (!p.exe) throw Object.assign(new Error(`EACCES: ${path}`), { code: 'EACCES' });
    return p.exe;
  }

  list(path: string): string[] {
    this.reads++;
    if (path !== '/proc') throw enoent(path);
    // Threads are not listed in /proc, only under their process.
    return [...[...this.procs].filter(([, p]) => p.threadOf === undefined).map(([pid]) => String(pid)), 'self', 'loadavg', 'net'];
  }
}

function pidOf(path: string): number {
  return Number(/^\/proc\/(\d+)\//.exec(path)?.[1] ?? NaN);
}

function enoent(path: string): Error {
  return Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
}
