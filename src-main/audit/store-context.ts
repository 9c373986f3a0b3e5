import type Database from 'better-sqlite3';
import { AuditStoreError, describeCause } from './audit-store-error';
import { isWellFormedText, loneSurrogateMessage } from '../contract/well-formed-text';
import { canonicalJson } from './canonical-json';

/**
 * What every table of one attempt file shares: the connection, the file's name and schema
 * version for messages, the clock, and one way of turning a failure into an AuditStoreError
 * that names the file and what was being done.
 */
/**
 * How many replaced keys may wait in the write-ahead log before it is checkpointed and
 * truncated. WAL mode appends every version of the key's page to the -wal file, so until
 * then the keys of the last rows can be read back from it (docs/trust.md, "On disk").
 */
export const KEY_ERASE_ROWS = 16;

export class StoreContext {
  private readonly statements = new Map<string, Database.Statement>();
  /** Secrets replaced since the WAL was last truncated; erased after the transaction commits. */
  private replacedSecrets = 0;

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
    const result = this.write(what, () => this.db.transaction(fn).immediate());
    if (!this.db.inTransaction && this.replacedSecrets >= KEY_ERASE_ROWS) this.eraseReplacedSecrets();
    return result;
  }

  /**
   * Inside a transaction: a key (or an escrowed K_0) was overwritten. `now` erases the old
   * copies as soon as the transaction commits; otherwise every KEY_ERASE_ROWS of them.
   */
  secretReplaced(now = false): void {
    this.replacedSecrets = now ? KEY_ERASE_ROWS : this.replacedSecrets + 1;
  }

  /**
   * Copies the newest pages into the database file (secure_delete zeroes what they free)
   * and truncates the WAL, where older versions of the key's page would otherwise stay.
   * Returns whether that completed; a reader holding an old snapshot (the review, the audit
   * CLI) can keep it from finishing, and the next commit tries again. Never throws: the
   * rows are already committed, and a failed erasure must not fail the write that led to it.
   */
  eraseReplacedSecrets(): boolean {
    if (this.db.readonly || !this.db.open || this.db.inTransaction) return false;
    // TRUNCATE waits (busy handler) for readers on older snapshots: never let it hold up the exam.
    const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    try {
      this.db.pragma('busy_timeout = 0');
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (result?.busy !== 0) return false;
      this.replacedSecrets = 0;
      return true;
    } catch {
      return false;
    } finally {
      this.db.pragma(`busy_timeout = ${Number(timeout)}`);
    }
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
