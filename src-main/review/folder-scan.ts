import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** One attempt database found by a scan; `id` is its path relative to the reviewed folder. */
export interface FoundAttempt {
  id: string;
  file: string;
}

const DATABASE = /\.(sqlite|sqlite3|db)$/i;

/**
 * The attempt databases under `source`: a folder (searched recursively, as a room's copies
 * may sit in one folder per machine) or a single database. SQLite's -wal/-shm/-journal
 * companions are not attempts. Sorted by id, so the list is stable.
 */
export function scanAttempts(source: string): { root: string; attempts: FoundAttempt[] } {
  const resolved = path.resolve(source);
  let isDir: boolean;
  try {
    isDir = statSync(resolved).isDirectory();
  } catch (cause) {
    throw new Error(`Cannot open ${resolved} for review: ${(cause as Error).message}`, { cause });
  }
  if (!isDir) return { root: path.dirname(resolved), attempts: [{ id: path.basename(resolved), file: resolved }] };
  const names = readdirSync(resolved, { recursive: true, encoding: 'utf8' });
  const attempts = names
    .filter((n) => DATABASE.test(n) && !n.split(path.sep).some((part) => part === 'electron-profile'))
    .map((n) => ({ id: n.split(path.sep).join('/'), file: path.join(resolved, n) }))
    .filter((a) => {
      try {
        return statSync(a.file).isFile();
      } catch {
        return false;
      }
    })
    .sort((a, b) => a.id.localeCompare(b.id));
  return { root: resolved, attempts };
}
