import type { OutboxItem, OutboxRecord, OutboxState } from '../contract/outbox';
import type { StoreContext } from './store-context';
import { storedTime } from './store-context';

/** The schema that added the outbox. */
const OUTBOX_SINCE = 20;

/** last_error of an upload refused because its body was edited: never requeued. */
export const TAMPERED_PREFIX = 'tampered:';

interface DueRow {
  id: string;
  path: string;
  body: string;
  created_at: number;
  attempts: number;
  audit_seq: number;
}

/**
 * Uploads waiting for the exam server, each tied to the audit row written with it. Methods
 * marked "inside a transaction" leave the transaction (and the audit row that goes with
 * the change) to the caller.
 */
export class OutboxTable {
  constructor(private readonly ctx: StoreContext) {}

  /** Throws older_version on a file from before the outbox existed. */
  require(): void {
    this.ctx.requireVersion(OUTBOX_SINCE, 'outbox');
  }

  /** Inside a transaction: queues one upload; `at` is both its creation and first due time. */
  insert(id: string, auditSeq: number, path: string, bodyText: string, at: number): void {
    this.ctx.db
      .prepare('INSERT INTO outbox (id, audit_seq, path, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, auditSeq, path, bodyText, storedTime(at), storedTime(at));
  }

  /** Pending items now due, each with the body text exactly as stored (the store checks its hash). */
  due(now: number, limit: number): (OutboxItem & { bodyText: string })[] {
    this.require();
    return this.ctx.read('read the outbox', () =>
      (
        this.ctx.db
          .prepare(
            `SELECT id, path, body, created_at, attempts, audit_seq FROM outbox
             WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY created_at, rowid LIMIT ?`,
          )
          .all(now, limit) as DueRow[]
      ).map((r) => ({
        id: r.id,
        path: r.path,
        body: JSON.parse(r.body) as unknown,
        bodyText: r.body,
        createdAt: r.created_at,
        attempts: r.attempts,
        auditSeq: r.audit_seq,
      })),
    );
  }

  markDelivered(id: string, at: number): void {
    this.require();
    this.ctx.write('mark an upload delivered', () => {
      this.ctx.db
        .prepare(
          `UPDATE outbox SET state = 'delivered', delivered_at = ?, last_attempt_at = ?, attempts = attempts + 1, last_error = NULL
           WHERE id = ? AND state = 'pending'`,
        )
        .run(storedTime(at), storedTime(at), id);
    });
  }

  markFailed(id: string, at: number, error: string, nextAttemptAt: number): void {
    this.require();
    this.ctx.write('record a failed upload', () => {
      this.ctx.db
        .prepare(
          `UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?, last_error = ?, next_attempt_at = ?
           WHERE id = ? AND state = 'pending'`,
        )
        .run(storedTime(at), error, Math.ceil(nextAttemptAt), id);
    });
  }

  /** Inside a transaction: the path of a pending upload, or null when it is not pending. */
  pendingPath(id: string): string | null {
    const row = this.ctx.db.prepare("SELECT path FROM outbox WHERE id = ? AND state = 'pending'").get(id) as { path: string } | undefined;
    return row?.path ?? null;
  }

  /** Inside a transaction: the server refused it for good; the row stays with the server's message. */
  setRejected(id: string, at: number, error: string): void {
    this.ctx.db
      .prepare(`UPDATE outbox SET state = 'rejected', attempts = attempts + 1, last_attempt_at = ?, last_error = ? WHERE id = ?`)
      .run(storedTime(at), error, id);
  }

  /** Inside a transaction: every refused upload with the refusal it got (not those refused as tampered). */
  rejected(): { id: string; path: string; lastError: string | null }[] {
    return (
      this.ctx.db
        .prepare(`SELECT id, path, last_error FROM outbox WHERE state = 'rejected' AND coalesce(last_error, '') NOT LIKE '${TAMPERED_PREFIX}%'`)
        .all() as {
        id: string;
        path: string;
        last_error: string | null;
      }[]
    ).map((r) => ({ id: r.id, path: r.path, lastError: r.last_error }));
  }

  /** Inside a transaction: replaces a body (an escrowed key erased once the server has it). */
  replaceBody(id: string, bodyText: string): void {
    this.ctx.db.prepare('UPDATE outbox SET body = ? WHERE id = ?').run(bodyText, id);
  }

  /** Inside a transaction: the stored body text and path of one upload. */
  raw(id: string): { path: string; body: string; state: OutboxState } | null {
    return (this.ctx.db.prepare('SELECT path, body, state FROM outbox WHERE id = ?').get(id) as
      | { path: string; body: string; state: OutboxState }
      | undefined) ?? null;
  }

  /** Inside a transaction: puts a refused upload back in the queue, due at `at`. */
  setPending(id: string, at: number): void {
    this.ctx.db.prepare("UPDATE outbox SET state = 'pending', next_attempt_at = ? WHERE id = ?").run(storedTime(at), id);
  }

  counts(): { pending: number; delivered: number; rejected: number } {
    this.require();
    return this.ctx.read('count the outbox', () => {
      const counts = { pending: 0, delivered: 0, rejected: 0 };
      for (const r of this.ctx.db.prepare('SELECT state, count(*) AS n FROM outbox GROUP BY state').all() as {
        state: OutboxState;
        n: number;
      }[]) {
        counts[r.state] = r.n;
      }
      return counts;
    });
  }

  /** Where one upload stands (e.g. whether the submission has been acknowledged); null if unknown. */
  state(id: string): { state: OutboxState; attempts: number; lastError: string | null } | null {
    this.require();
    const row = this.ctx.read('read the outbox', () =>
      this.ctx.db.prepare('SELECT state, attempts, last_error FROM outbox WHERE id = ?').get(id),
    ) as { state: OutboxState; attempts: number; last_error: string | null } | undefined;
    return row ? { state: row.state, attempts: row.attempts, lastError: row.last_error } : null;
  }

  /** Every upload and where it stands, oldest first (for export and review). */
  items(): OutboxRecord[] {
    this.require();
    return this.ctx.read('read the outbox', () =>
      (
        this.ctx.db
          .prepare(
            `SELECT id, audit_seq, path, state, attempts, created_at, last_attempt_at, last_error, delivered_at
             FROM outbox ORDER BY created_at, rowid`,
          )
          .all() as {
          id: string;
          audit_seq: number;
          path: string;
          state: OutboxState;
          attempts: number;
          created_at: number;
          last_attempt_at: number | null;
          last_error: string | null;
          delivered_at: number | null;
        }[]
      ).map((r) => ({
        id: r.id,
        auditSeq: r.audit_seq,
        path: r.path,
        state: r.state,
        attempts: r.attempts,
        createdAt: r.created_at,
        lastAttemptAt: r.last_attempt_at,
        lastError: r.last_error,
        deliveredAt: r.delivered_at,
      })),
    );
  }
}
