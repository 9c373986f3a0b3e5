import type { StoreContext } from './store-context';
import { encodeJson } from './store-context';

/** The schema that added engine_state. */
const ENGINE_STATE_SINCE = 30;

/**
 * Detector baselines and similar state the engine restores after a restart. Overwritten in
 * place; not part of the hash chain.
 */
export class EngineStateTable {
  constructor(private readonly ctx: StoreContext) {}

  /** Overwrites the engine's saved state under `key` (JSON). */
  save(key: string, value: unknown): void {
    this.ctx.requireVersion(ENGINE_STATE_SINCE, 'engine state');
    const json = encodeJson(value, 'engine state', false);
    this.ctx.write('save engine state', () => {
      this.ctx.db
        .prepare(
          `INSERT INTO engine_state (key, value, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        )
        .run(key, json, this.ctx.now());
    });
  }

  /** The engine's saved state under `key`, or null when there is none. */
  load(key: string): unknown {
    this.ctx.requireVersion(ENGINE_STATE_SINCE, 'engine state');
    const row = this.ctx.read('read engine state', () =>
      this.ctx.db.prepare('SELECT value FROM engine_state WHERE key = ?').get(key),
    ) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as unknown) : null;
  }
}
