import type Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations';

/** PRAGMA application_id of every Vigil audit database ("Vigl"), so a stray SQLite file is recognised. */
export const VIGIL_APPLICATION_ID = 0x5669676c;

export type SchemaCheck =
  | { state: 'empty' }
  | { state: 'current'; version: number }
  | { state: 'older'; version: number }
  | { state: 'newer'; version: number }
  | { state: 'foreign' };

/** What is in this file, before touching it. */
export function inspectSchema(db: Database.Database): SchemaCheck {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  if (applicationId !== VIGIL_APPLICATION_ID) {
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'").get() as {
      n: number;
    };
    return applicationId === 0 && version === 0 && tables.n === 0 ? { state: 'empty' } : { state: 'foreign' };
  }
  if (version > SCHEMA_VERSION) return { state: 'newer', version };
  if (version < SCHEMA_VERSION) return { state: 'older', version };
  return { state: 'current', version };
}

/**
 * Applies every migration above the file's user_version, each in its own transaction
 * together with its user_version bump, so a crash leaves the file at a whole version.
 */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  let version = db.pragma('user_version', { simple: true }) as number;
  for (const migration of migrations) {
    if (migration.version <= version) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`application_id = ${VIGIL_APPLICATION_ID}`);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
    version = migration.version;
  }
  return version;
}
