import type Database from 'better-sqlite3';

/**
 * One schema step. Versions step by 10 (room for a fix-up between two releases) and are
 * stored in PRAGMA user_version. A migration runs inside the runner's transaction.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
