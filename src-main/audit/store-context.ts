import type Database from 'better-sqlite3';
import { AuditStoreError, describeCause } from './audit-store-error';
import { isWellFormedText, loneSurrogateMessage } from '../contract/well-formed-text';
import { canonicalJson } from './canonical-json';

/**
 * What every table of one attempt file shares: the connection, the file's name and schema
 * version for messages, the clock, and one way of turning a failure into an AuditStoreError
 * that names the file and what was being done.
 */
export class StoreContext {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    readonly db: Database.Database,
    readonly file: string,
    readonly schemaVersion: number,
    readonly now: () => number,
  ) {}

  /** A prepared statement, compiled once per connection (the append path runs several per row). */
  stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  write<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (cause) {
      if (cause instanceof AuditStoreError) throw cause;
      throw new AuditStoreError('write_failed', `Could not ${what} in ${this.file}: ${describeCause(cause)}`, { cause });
    }
  }

  read<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (cause) {
      if (cause instanceof AuditStoreError) throw cause;
      throw new AuditStoreError('read_failed', `Could not ${what} from ${this.file}: ${describeCause(cause)}`, { cause });
    }
  }

  /** Writes and the transaction around them: `IMMEDIATE` takes the write lock up front. */
  transaction<T>(what: string, fn: () => T): T {
    return this.write(what, () => this.db.transaction(fn).immediate());
  }

  /** Now, as every time column stores it (see storedTime). */
  time(): number {
    return storedTime(this.now());
  }

  requireVersion(version: number, what: string): void {
    if (this.schemaVersion < version) {
      throw new AuditStoreError(
        'older_version',
        `${this.file} uses schema ${this.schemaVersion}, which has no ${what}; open it with the app once to upgrade it.`,
      );
    }
  }
}

/**
 * The one rounding rule for times written to the file: whole milliseconds (the columns are
 * INTEGER in STRICT tables, so a clock with fractions, such as one built on performance.now,
 * would otherwise make a write throw).
 */
export const storedTime = (ms: number): number => Math.round(ms);

/**
 * Text stored as a column (an answer, a question id, a key, a path) must round-trip: a lone
 * UTF-16 surrogate has no UTF-8 form, and SQLite would give back U+FFFD instead.
 */
export function requireWellFormed(text: string, what: string): void {
  if (!isWellFormedText(text)) throw new AuditStoreError('invalid_input', `${loneSurrogateMessage(text, what)}; it was not stored.`);
}

/** The canonical JSON text of a value, or an invalid_input error naming `what`. */
export function encodeJson(value: unknown, what: string, mustBeObject: boolean): string {
  if (mustBeObject && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new AuditStoreError('invalid_input', `The ${what} must be a JSON object.`);
  }
  try {
    return canonicalJson(value);
  } catch (cause) {
    throw new AuditStoreError('invalid_input', `The ${what} cannot be stored as JSON: ${describeCause(cause)}`, { cause });
  }
}
