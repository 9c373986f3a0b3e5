import type { Migration } from './migration';

/**
 * Uploads waiting for the exam server. Each row is written in the same transaction as the
 * audit row it belongs to; its id is the Idempotency-Key. Rows are never deleted: delivered
 * and rejected ones stay as evidence of what the server was told.
 */
export const m0020Outbox: Migration = {
  version: 20,
  name: 'outbox',
  up(db) {
    db.exec(`
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        audit_seq INTEGER NOT NULL REFERENCES audit(seq),
        path TEXT NOT NULL CHECK (substr(path, 1, 1) = '/'),
        body TEXT NOT NULL CHECK (json_valid(body)),
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'rejected')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_attempt_at INTEGER,
        last_error TEXT,
        delivered_at INTEGER
      ) STRICT;

      CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
    `);
  },
};
