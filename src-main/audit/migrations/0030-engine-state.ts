import type { Migration } from './migration';

/**
 * Learnt state the engine must not lose across a restart (the detectors' baselines and the
 * typist enrolment). One row per key, overwritten in place: it is a cache of what the audit
 * log already justifies, not evidence, so it sits outside the hash chain.
 */
export const m0030EngineState: Migration = {
  version: 30,
  name: 'engine-state',
  up(db) {
    db.exec(`
      CREATE TABLE engine_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value)),
        updated_at INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
