import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

export interface AppLog {
  (line: string): void;
  /** The file lines are appended to, or null when only stderr is available. */
  readonly file: string | null;
}

export interface AppLogLimits {
  /** The current file is rotated before it would grow past this. */
  maxFileBytes: number;
  /** Rotated files kept beside it (`vigil.log.1` newest ... `vigil.log.N` oldest). */
  keepFiles: number;
}

/** 1 MiB x (1 + 4): a day of chatty logging, and never more than 5 MiB on a student's disk. */
export const DEFAULT_LOG_LIMITS: AppLogLimits = { maxFileBytes: 1024 * 1024, keepFiles: 4 };

/**
 * The main process's log: every line to stderr and, when possible, appended synchronously
 * to a file beside the attempt databases, so a proctor finds it after a crash. A log file
 * that cannot be written never stops the exam: the failure is said once on stderr.
 *
 * The files together never exceed (keepFiles + 1) x maxFileBytes: the current file is
 * renamed to `.1` (shifting older ones, dropping the oldest) before a line would overflow it,
 * and a single line longer than a file is cut. Rotation is hand-written rather than a stream
 * library's because every line is appended synchronously, so the last one before a crash is
 * on disk.
 */
export function createAppLog(
  file: string | null,
  write: (s: string) => void = (s) => process.stderr.write(s),
  limits: AppLogLimits = DEFAULT_LOG_LIMITS,
): AppLog {
  let target = file;
  let size = 0;
  if (target) {
    try {
      mkdirSync(path.dirname(target), { recursive: true });
      size = currentSize(target);
    } catch (e) {
      write(`vigil: cannot create the log folder for ${target}: ${(e as Error).message}\n`);
      target = null;
    }
  }
  const log = (line: string): void => {
    const text = `${new Date().toISOString()} ${line}\n`;
    write(text);
    if (!target) return;
    try {
      const bytes = fitInto(text, limits.maxFileBytes);
      const length = Buffer.byteLength(bytes, 'utf8');
      if (size > 0 && size + length > limits.maxFileBytes) {
        rotate(target, limits.keepFiles);
        size = 0;
      }
      appendFileSync(target, bytes);
      size += length;
    } catch (e) {
      write(`vigil: cannot write the log file ${target}: ${(e as Error).message}; logging to stderr only\n`);
      target = null;
    }
  };
  return Object.defineProperty(log, 'file', { get: () => target }) as AppLog;
}

function currentSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0; // not there yet
  }
}

function rotate(file: string, keep: number): void {
  if (keep <= 0) {
    rmSync(file, { force: true });
    return;
  }
  for (let i = keep - 1; i >= 1; i--) {
    try {
      renameSync(`${file}.${i}`, `${file}.${i + 1}`); // overwrites the oldest
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  renameSync(file, `${file}.1`);
}

/** A line that alone exceeds a whole file is cut (on a character boundary) and says so. */
function fitInto(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const marker = ' [cut: line longer than the log file limit]\n';
  const room = Math.max(0, maxBytes - Buffer.byteLength(marker, 'utf8'));
  let cut = Buffer.from(text, 'utf8').subarray(0, room).toString('utf8');
  // A multi-byte character split at the boundary decodes as U+FFFD; drop it.
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  while (Buffer.byteLength(cut, 'utf8') > room) cut = cut.slice(0, -1);
  return cut + marker;
}
