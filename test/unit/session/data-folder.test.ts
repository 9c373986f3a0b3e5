import { chmodSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureWritableDataFolder } from '../../../src-main/session/data-folder';

/** A folder this process cannot write: a read-only temp folder, or (as root, who ignores modes) sysfs. */
function readOnlyFolder(): string | null {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-ro-'));
  chmodSync(dir, 0o555);
  try {
    writeFileSync(path.join(dir, 'x'), 'x');
  } catch {
    return dir;
  }
  return existsSync('/sys/kernel') ? '/sys/kernel' : null;
}

describe('ensureWritableDataFolder', () => {
  it('creates a missing folder and leaves nothing behind', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'vigil-df-')), 'a', 'b');
    ensureWritableDataFolder(dir);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says which folder cannot be written, and why', () => {
    const dir = readOnlyFolder();
    if (dir === null) return void console.log('skipped: no read-only folder on this machine');
    expect(() => ensureWritableDataFolder(dir)).toThrow(
      new RegExp(`^The data folder ${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} cannot be written \\((EACCES|EPERM|EROFS)`),
    );
  });

  it('says when the folder cannot be created because a file is in the way', () => {
    const base = mkdtempSync(path.join(tmpdir(), 'vigil-df-'));
    writeFileSync(path.join(base, 'file'), 'x');
    expect(() => ensureWritableDataFolder(path.join(base, 'file', 'data'))).toThrow(/cannot be created \(ENOTDIR: a file is in the way\)/);
  });
});
