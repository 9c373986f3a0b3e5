import type { Migration } from './migration';

/**
 * The keyed, forward-secure chain (audit/keyed-chain.ts): every row gets `tag`, the HMAC of
 * its hash under the key of that row, and `chain_key` holds the one current key, replaced
 * by its evolution in the same transaction as each row. Rows written before this version
 * keep a NULL tag (nobody held a key then); verify names them. The kind index serves the
 * lookups of the latest engine-state and upload records.
 */
export const m0040KeyedChain: Migration = {
  version: 40,
  name: 'keyed-chain',
  up(db) {
    db.exec(`
      ALTER TABLE audit ADD COLUMN tag TEXT CHECK (tag IS NULL OR length(tag) = 64);

      CREATE TABLE chain_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        key_index INTEGER NOT NULL CHECK (key_index >= 0),
        key BLOB NOT NULL CHECK (length(key) = 32),
        -- The first row sealed: from it on every row must carry a tag.
        sealed_from INTEGER NOT NULL CHECK (sealed_from >= 1)
      ) STRICT;

      CREATE INDEX audit_kind ON audit (kind, seq);
    `);
  },
};
