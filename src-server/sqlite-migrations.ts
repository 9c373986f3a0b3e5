import type Database from 'better-sqlite3';

/** PRAGMA application_id of an exam server database ("VgSv"), so a stray SQLite file is not mistaken for one. */
export const SERVER_APPLICATION_ID = 0x56675376;

/** Versions step by 10 and live in PRAGMA user_version; each runs in one transaction with its bump. */
export interface ServerMigration {
  version: number;
  name: string;
  sql: string;
}

export const SERVER_MIGRATIONS: readonly ServerMigration[] = [
  {
    version: 10,
    name: 'initial',
    sql: `
      CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

      CREATE TABLE responses (
        idempotency_key TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        status INTEGER NOT NULL,
        body TEXT NOT NULL
      ) STRICT;

      CREATE TABLE exams (
        exam_id TEXT PRIMARY KEY,
        exam TEXT NOT NULL CHECK (json_valid(exam)),
        second_attempt TEXT NOT NULL CHECK (second_attempt IN ('refuse', 'flag')),
        required_policy_hash TEXT,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE access_codes (
        exam_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        code_hash TEXT NOT NULL,
        issued_at INTEGER NOT NULL,
        PRIMARY KEY (exam_id, student_id)
      ) STRICT;

      CREATE TABLE attempts (
        session_id TEXT PRIMARY KEY,
        exam_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        app_version TEXT NOT NULL,
        policy_hash TEXT NOT NULL,
        k0 TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('online', 'offline-started')),
        started_at INTEGER NOT NULL,
        client_started_at INTEGER,
        deadline INTEGER NOT NULL,
        attempt_number INTEGER NOT NULL CHECK (attempt_number >= 1),
        second_attempt_of TEXT REFERENCES attempts (session_id),
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX attempts_by_student ON attempts (exam_id, student_id, attempt_number);

      CREATE TABLE checkpoints (
        session_id TEXT NOT NULL REFERENCES attempts (session_id),
        seq INTEGER NOT NULL CHECK (seq >= 1),
        hash TEXT NOT NULL,
        tag TEXT NOT NULL,
        key TEXT NOT NULL,
        accepted_at INTEGER NOT NULL,
        PRIMARY KEY (session_id, seq)
      ) STRICT;

      CREATE TABLE checkpoint_refusals (
        id INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES attempts (session_id),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL,
        tag TEXT NOT NULL,
        reason TEXT NOT NULL,
        message TEXT NOT NULL,
        at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE uploads (
        id INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('flag', 'submission')),
        student_id TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        received_at TEXT NOT NULL,
        body TEXT NOT NULL CHECK (json_valid(body))
      ) STRICT;
      CREATE INDEX uploads_by_session ON uploads (session_id, id);
    `,
  },
  {
    version: 20,
    name: 'proctor orders',
    sql: `
      CREATE TABLE proctor_orders (
        session_id TEXT NOT NULL REFERENCES attempts (session_id),
        seq INTEGER NOT NULL CHECK (seq >= 1),
        order_id TEXT NOT NULL UNIQUE,
        action TEXT NOT NULL CHECK (action IN ('lock', 'unlock', 'extend')),
        signed TEXT NOT NULL CHECK (json_valid(signed)),
        issued_by TEXT NOT NULL,
        issued_at INTEGER NOT NULL,
        PRIMARY KEY (session_id, seq)
      ) STRICT;
    `,
  },
  {
    version: 30,
    name: 'live reports',
    // `at` is the report's own clock (the app's, for its reports): REAL, as the app may send fractions.
    sql: `
      CREATE TABLE live_reports (
        id INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES attempts (session_id),
        kind TEXT NOT NULL CHECK (kind IN ('app_risk', 'app_flag', 'stream_risk')),
        at REAL NOT NULL,
        received_at REAL NOT NULL,
        body TEXT NOT NULL CHECK (json_valid(body))
      ) STRICT;
      CREATE INDEX live_reports_by_session ON live_reports (session_id, id);
    `,
  },
  {
    version: 40,
    name: 'exam time starts at Start',
    sql: `
      ALTER TABLE attempts ADD COLUMN exam_started_at INTEGER;
      ALTER TABLE attempts ADD COLUMN start_by INTEGER;
      UPDATE attempts SET exam_started_at = started_at;
      ALTER TABLE exams ADD COLUMN max_check_minutes INTEGER NOT NULL DEFAULT 15 CHECK (max_check_minutes BETWEEN 0 AND 240);
    `,
  },
  {
    version: 50,
    name: 'config key on uploads',
    sql: `
      ALTER TABLE uploads ADD COLUMN config_mismatch TEXT CHECK (config_mismatch IS NULL OR json_valid(config_mismatch));
    `,
  },
];

export const SERVER_SCHEMA_VERSION = SERVER_MIGRATIONS.at(-1)!.version;

/**
 * Brings the file to the current schema. Refuses a foreign SQLite file and one written by a
 * newer server, instead of guessing.
 */
export function migrateServerDatabase(db: Database.Database, file: string): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  let version = db.pragma('user_version', { simple: true }) as number;
  if (applicationId !== SERVER_APPLICATION_ID) {
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'").get() as { n: number };
    if (applicationId !== 0 || version !== 0 || tables.n !== 0) {
      throw new Error(`${file} is not a Vigil exam server database (another program's SQLite file?)`);
    }
  }
  if (version > SERVER_SCHEMA_VERSION) {
    throw new Error(`${file} was written by a newer exam server (schema ${version}, this one knows ${SERVER_SCHEMA_VERSION}); upgrade the server`);
  }
  for (const migration of SERVER_MIGRATIONS) {
    if (migration.version <= version) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`application_id = ${SERVER_APPLICATION_ID}`);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
    version = migration.version;
  }
}
