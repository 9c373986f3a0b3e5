import Database from 'better-sqlite3';

/** Opens the file as a tamperer would: raw SQL, with the append-only triggers dropped. */
export function tamper(file: string, sql: string, ...params: unknown[]): number {
  const db = new Database(file);
  try {
    db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
    return db.prepare(sql).run(...params).changes;
  } finally {
    db.close();
  }
}
