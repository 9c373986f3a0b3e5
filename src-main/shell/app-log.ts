import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export interface AppLog {
  (line: string): void;
  /** The file lines are appended to, or null when only stderr is available. */
  readonly file: string | null;
}

/**
 * The main process's log: every line to stderr and, when possible, appended synchronously
 * to a file beside the attempt databases, so a proctor finds it after a crash. A log file
 * that cannot be written never stops the exam: the failure is said once on stderr.
 */
export function createAppLog(file: string | null, write: (s: string) => void = (s) => process.stderr.write(s)): AppLog {
  let target = file;
  if (target) {
    try {
      mkdirSync(path.dirname(target), { recursive: true });
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
      appendFileSync(target, text);
    } catch (e) {
      write(`vigil: cannot write the log file ${target}: ${(e as Error).message}; logging to stderr only\n`);
      target = null;
    }
  };
  return Object.defineProperty(log, 'file', { get: () => target }) as AppLog;
}
