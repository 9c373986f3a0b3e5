import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Creates the folder that holds the attempt databases and proves it can be written, so a
 * read-only or foreign folder is reported as that (which folder, and why) instead of as a
 * database that cannot be opened. A write probe rather than access(W_OK): root passes
 * access() on a read-only mount, and a probe also catches a full disk.
 */
export function ensureWritableDataFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new Error(`The data folder ${dir} cannot be created (${cause(e)}). Vigil keeps every answer there; choose a folder this user can write.`);
  }
  const probe = path.join(dir, `.vigil-write-probe-${process.pid}`);
  try {
    writeFileSync(probe, 'probe');
  } catch (e) {
    throw new Error(`The data folder ${dir} cannot be written (${cause(e)}). Vigil keeps every answer there; choose a folder this user can write.`);
  } finally {
    rmSync(probe, { force: true });
  }
}

function cause(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const reason = { EACCES: 'permission denied', EPERM: 'not permitted', EROFS: 'read-only file system', ENOSPC: 'the disk is full', ENOTDIR: 'a file is in the way' }[err.code ?? ''];
  return reason ? `${err.code}: ${reason}` : (err.message ?? String(e));
}
