import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { AuditStoreError, describeCause } from './audit-store-error';
import { SCHEMA_VERSION } from './migrations';
import { applyMigrations, inspectSchema } from './schema-version';

export interface OpenDatabaseOptions {
  /** Path of a better-sqlite3 `.node` build for this runtime (Electron's ABI in the app). */
  nativeBinding?: string;
  /** Inspect only (the audit CLI): the file must exist, nothing is written or migrated. */
  readonly?: boolean;
}

/**
 * Opens an attempt file: refuses files that are not Vigil's or are newer than this build,
 * sets WAL + synchronous=FULL and migrates (unless read-only). Returns the connection and
 * the schema version it is at; on any refusal the connection is closed again.
 */
export function openDatabase(file: string, opts: OpenDatabaseOptions = {}): { db: Database.Database; version: number } {
  const readonly = opts.readonly ?? false;
  const inMemory = file === ':memory:';
  if (!inMemory) {
    if (readonly && !existsSync(file)) {
      throw new AuditStoreError('open_failed', `Cannot open audit database ${file}: no such file.`);
    }
    if (!readonly) {
      try {
        mkdirSync(dirname(resolve(file)), { recursive: true });
      } catch (cause) {
        throw new AuditStoreError('open_failed', `Cannot create the folder for audit database ${file}: ${describeCause(cause)}`, {
          cause,
        });
      }
    }
  }

  let db: Database.Database;
  try {
    db = new Database(file, {
      readonly,
      fileMustExist: readonly,
      timeout: 5000,
      ...(opts.nativeBinding !== undefined ? { nativeBinding: opts.nativeBinding } : {}),
    });
  } catch (cause) {
    throw openError(file, cause, opts.nativeBinding);
  }

  try {
    return { db, version: prepare(db, file, readonly, inMemory) };
  } catch (error) {
    db.close();
    throw error;
  }
}

function prepare(db: Database.Database, file: string, readonly: boolean, inMemory: boolean): number {
  let found;
  try {
    found = inspectSchema(db);
  } catch (cause) {
    throw new AuditStoreError('open_failed', `Cannot open audit database ${file}: ${describeCause(cause)} (is it an SQLite file?)`, {
      cause,
    });
  }
  if (found.state === 'foreign' || (found.state === 'empty' && readonly)) {
    throw new AuditStoreError(
      'not_vigil',
      `${file} is not a Vigil audit database (it ${found.state === 'empty' ? 'is empty' : 'holds other tables'}); it was left untouched.`,
    );
  }
  if (found.state === 'newer') {
    throw new AuditStoreError(
      'newer_version',
      `${file} was written by a newer version of Vigil (schema ${found.version}; this build knows up to ${SCHEMA_VERSION}). ` +
        'Update Vigil to open it; the file was left untouched.',
    );
  }
  const version = found.state === 'empty' ? 0 : found.version;
  if (readonly) return version;

  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal' && !inMemory) {
    throw new AuditStoreError('open_failed', `Cannot open audit database ${file}: the file system refused WAL mode (got ${String(mode)}).`);
  }
  // FULL: a transaction is fsynced before commit returns, so a saved answer survives a crash.
  db.pragma('synchronous = FULL');
  // Each row replaces the chain's key: whatever SQLite frees (the old key's cell, an erased
  // escrow body) is zeroed instead of left in free space (docs/trust.md, "On disk").
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  try {
    return applyMigrations(db);
  } catch (cause) {
    throw new AuditStoreError(
      'open_failed',
      `Cannot upgrade audit database ${file} from schema ${version} to ${SCHEMA_VERSION}: ${describeCause(cause)}`,
      { cause },
    );
  }
}

/** How the file is being written (tests check WAL + FULL). */
export function databaseSettings(db: Database.Database): { journalMode: string; synchronous: number } {
  return {
    journalMode: String(db.pragma('journal_mode', { simple: true })),
    synchronous: Number(db.pragma('synchronous', { simple: true })),
  };
}

function openError(file: string, cause: unknown, nativeBinding: string | undefined): AuditStoreError {
  const text = describeCause(cause);
  const native =
    /NODE_MODULE_VERSION|bindings file|ERR_DLOPEN_FAILED|invalid ELF|was compiled against|Cannot find module/i.test(text) ||
    (cause as { code?: string })?.code === 'ERR_DLOPEN_FAILED';
  if (native) {
    return new AuditStoreError(
      'native_module',
      `Cannot load the SQLite module (better-sqlite3${nativeBinding ? ` from ${nativeBinding}` : ''}) for this runtime ` +
        `(Node ABI ${process.versions.modules}); rebuild it for this runtime. Cause: ${text}`,
      { cause },
    );
  }
  return new AuditStoreError('open_failed', `Cannot open audit database ${file}: ${text}`, { cause });
}
