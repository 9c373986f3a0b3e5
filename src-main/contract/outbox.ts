/** One upload waiting for the exam server. `id` is sent as the Idempotency-Key. */
export interface OutboxItem {
  id: string;
  /** Server path, e.g. `/api/flagged-activity/<sessionId>/<studentId>`. */
  path: string;
  body: unknown;
  createdAt: number;
  /** Delivery attempts so far (0 for a fresh item). */
  attempts: number;
  /** The audit row written with it. */
  auditSeq: number;
}

export type OutboxState = 'pending' | 'delivered' | 'rejected';

/** What the relay needs from storage (the audit store implements it). */
export interface OutboxPort {
  /** Pending items whose next attempt is due, oldest first. */
  dueOutbox(now: number, limit: number): OutboxItem[];
  markDelivered(id: string, at: number): void;
  /** A transient failure: keep it pending, try again at `nextAttemptAt`. */
  markFailed(id: string, at: number, error: string, nextAttemptAt: number): void;
  /** The server refused it for good (4xx): keep the row and the server's message, stop retrying. */
  markRejected(id: string, at: number, error: string): void;
  outboxCounts(): { pending: number; delivered: number; rejected: number };
}

/** One outbox row as a proctor sees it (the body is left out: it is in the audit row). */
export interface OutboxRecord {
  id: string;
  auditSeq: number;
  path: string;
  state: OutboxState;
  attempts: number;
  createdAt: number;
  lastAttemptAt: number | null;
  lastError: string | null;
  deliveredAt: number | null;
}
