/**
 * Pure parsers for the /proc files the process watch and the tracer probe read. Each takes
 * the file's text and returns null when the text is not what the kernel writes, so a file
 * caught half-written or from an exiting process is skipped, never misread.
 */

export interface ProcStatus {
  /** The kernel's process name (`comm`, 15 bytes, settable by the process itself). */
  name: string;
  tgid: number;
  pid: number;
  ppid: number;
  /** Pid of a process ptrace-attached to this one; 0 = none. */
  tracerPid: number;
  /** Real uid. */
  uid: number;
}

export function parseProcStatus(text: string): ProcStatus | null {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).replace(/^\t/, ''));
  }
  const int = (key: string): number | null => {
    const v = fields.get(key);
    if (v === undefined) return null;
    const n = Number.parseInt(v.trim().split(/\s+/)[0] ?? '', 10);
    return Number.isSafeInteger(n) && n >= 0 ? n : null;
  };
  const name = fields.get('Name');
  const tgid = int('Tgid');
  const pid = int('Pid');
  const ppid = int('PPid');
  const tracerPid = int('TracerPid');
  const uid = int('Uid');
  if (name === undefined || tgid === null || pid === null || ppid === null || tracerPid === null || uid === null) return null;
  // The kernel escapes newlines and backslashes in Name; undo the two it writes.
  return { name: name.replace(/\\n/g, '\n').replace(/\\\\/g, '\\'), tgid, pid, ppid, tracerPid, uid };
}

/**
 * The most recently created pid in this pid namespace: the last field of /proc/loadavg
 * ("0.20 0.18 0.12 1/80 11206"). While it stays the same, no process (or thread) was
 * created, which is what lets an idle scan cost one small read whatever runs.
 */
export function parseLastPid(loadavg: string): number | null {
  const m = /^\s*[\d.]+\s+[\d.]+\s+[\d.]+\s+\d+\/\d+\s+(\d+)\s*$/.exec(loadavg);
  return m ? Number(m[1]) : null;
}

/** argv[0] from /proc/PID/cmdline (NUL-separated); null for a kernel thread or an empty line. */
export function parseArgv0(cmdline: Buffer): string | null {
  if (cmdline.length === 0) return null;
  const end = cmdline.indexOf(0);
  const argv0 = cmdline.subarray(0, end < 0 ? cmdline.length : end).toString('utf8');
  return argv0 === '' ? null : argv0;
}

/** Start time (clock ticks after boot) from /proc/PID/stat; comm may hold spaces and parentheses. */
export function parseStartTicks(stat: string): number | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  // Fields after ") ": state is field 3, starttime is field 22.
  const rest = stat.slice(close + 2).trim().split(/\s+/);
  const v = rest[22 - 3];
  if (v === undefined || !/^\d+$/.test(v)) return null;
  return Number(v);
}

/** readlink of /proc/PID/exe: the kernel appends " (deleted)" once the file is gone. */
export function cleanExePath(link: string): string {
  return link.endsWith(' (deleted)') ? link.slice(0, -' (deleted)'.length) : link;
}
