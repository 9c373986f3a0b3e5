import type { StoreContext } from './store-context';
import { requireWellFormed } from './store-context';

/** The schema that added engine_state. */
const ENGINE_STATE_SINCE = 30;

/**
 * Detector baselines and similar state the engine restores after a restart. Overwritten in
 * place; each save's hash is recorded in the chain by the store (engine_state_saved), so a
 * state swapped in from outside is refused on load.
 */
export class EngineStateTable {
  constructor(private readonly ctx: StoreContext) {}

  require(): void {
    this.ctx.requireVersion(ENGINE_STATE_SINCE, 'engine state');
  }

  /** Inside a transaction: overwrites the state under `key` with JSON text. */
  put(key: string, json: string): void {
    requireWellFormed(key, 'The engine state key');
    this.ctx.db
      .prepare(
        `INSERT INTO engine_state (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, json, this.ctx.time());
  }

  /** The stored JSON text under `key`, or null when there is none. */
  loadText(key: string): string | null {
    this.require();
    const row = this.ctx.read('read engine state', () =>
      this.ctx.db.prepare('SELECT value FROM engine_state WHERE key = ?').get(key),
    ) as { value: string } | undefined;
    return row?.value ?? null;
  }

  keys(): string[] {
    this.require();
    return this.ctx.read('read engine state', () =>
      (this.ctx.db.prepare('SELECT key FROM engine_state ORDER BY key').all() as { key: string }[]).map((r) => r.key),
    );
  }

  /** Inside a transaction: drops a state that cannot be trusted, so the detectors start afresh. */
  remove(key: string): void {
    this.ctx.db.prepare('DELETE FROM engine_state WHERE key = ?').run(key);
  }
}
