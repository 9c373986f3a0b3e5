/**
 * A room's worth of attempt databases for the review tests: honest, flagged, locked,
 * tampered, killed mid-exam, and the damaged files review must list without failing.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { foreignDatabase, killedAttempt, newerSchemaCopy, tamperRow, truncatedCopy, writeAttempt } from './attempt-fixtures';

export interface Room {
  dir: string;
  files: { honest: string; flagged: string; locked: string; tampered: string; tamperedSeq: number };
}

export async function buildRoom(dir: string): Promise<Room> {
  mkdirSync(dir, { recursive: true });
  const honest = await writeAttempt(dir, 'ana-honest', 'honest', { seed: 21 });
  await writeAttempt(dir, 'ben-honest', 'honest', { seed: 22 });
  const flagged = await writeAttempt(dir, 'cleo-flagged', 'flagged', { seed: 23 });
  const locked = await writeAttempt(dir, 'dan-locked', 'locked', { seed: 24 });
  const tamperedSource = await writeAttempt(dir, 'eve-tampered', 'flagged', { seed: 25 });
  // Eve's client edits a flag away: the flag_raised row now says 'low' with no patterns.
  const db = new Database(tamperedSource, { readonly: true });
  const row = db.prepare("SELECT seq, payload FROM audit WHERE kind = 'flag_raised' ORDER BY seq LIMIT 1").get() as { seq: number; payload: string };
  db.close();
  tamperRow(tamperedSource, row.seq, { ...(JSON.parse(row.payload) as object), level: 'low' });
  await killedAttempt(dir, 'finn-killed');
  mkdirSync(path.join(dir, 'damaged'), { recursive: true });
  truncatedCopy(flagged, path.join(dir, 'damaged', 'gus-truncated.sqlite'));
  newerSchemaCopy(honest, path.join(dir, 'damaged', 'hal-newer.sqlite'));
  foreignDatabase(path.join(dir, 'damaged', 'recipes.sqlite'));
  writeFileSync(path.join(dir, 'damaged', 'garbage.db'), 'this is not an SQLite database at all\n'.repeat(200));
  copyFileSync(honest, path.join(dir, 'damaged', 'empty-copy.sqlite'));
  writeFileSync(path.join(dir, 'damaged', 'empty-copy.sqlite'), '');
  return { dir, files: { honest, flagged, locked, tampered: tamperedSource, tamperedSeq: row.seq } };
}

/** Every file under `dir` with its sha256 (the databases' -wal/-shm included, when there are any). */
export function fingerprint(dir: string, skip: (name: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8', withFileTypes: false })) {
    if (skip(name)) continue;
    const full = path.join(dir, name);
    let bytes: Buffer;
    try {
      bytes = readFileSync(full);
    } catch {
      continue; // a folder
    }
    out[name] = createHash('sha256').update(bytes).digest('hex');
  }
  return out;
}
