import { describe, expect, it } from 'vitest';
import { AuditStore } from '../../../src-main/audit/audit-store';

describe('AuditStore times and texts', () => {
  it('rounds a clock with fractional milliseconds the same way for audit rows, engine state and the outbox', () => {
    let now = 1_700_000_000_000.6;
    const store = AuditStore.open(':memory:', { now: () => now });
    try {
      store.saveEngineState('clock', { elapsedMs: 1 });
      const row = store.append('error', { what: 'x', message: 'y' });
      expect(row.at).toBe(1_700_000_000_001);
      const updatedAt = (store as unknown as { ctx: { db: { prepare(s: string): { get(): { updated_at: number } } } } }).ctx.db
        .prepare('SELECT updated_at FROM engine_state')
        .get().updated_at;
      expect(updatedAt).toBe(1_700_000_000_001);
      now += 0.3;
      const flag = store.append('flag_raised', { sequence: 1, level: 'high', probability: 0.7, patterns: [] }, { path: '/api/f', body: {} });
      store.markFailed(flag.outboxId!, now + 0.1, 'HTTP 503', now + 500.2);
      store.markDelivered(flag.outboxId!, now + 0.4);
      expect(store.outboxItems()[0]).toMatchObject({ state: 'delivered' });
      expect(store.loadEngineState('clock')).toEqual({ elapsedMs: 1 });
    } finally {
      store.close();
    }
  });

  it('refuses text with a lone surrogate in an answer, a question id, a key or an upload path, and stores nothing', () => {
    const store = AuditStore.open(':memory:');
    try {
      expect(() => store.saveAnswer({ questionId: 'q1', value: 'a\uD800b' })).toThrow(/The answer contains an unpaired UTF-16 surrogate \(U\+D800 at character 2\), which cannot be stored exactly; it was not stored/);
      expect(() => store.saveAnswer({ questionId: 'q\uDC00', value: 'x' })).toThrow(/The question id contains an unpaired/);
      expect(() => store.saveEngineState('k\uD800', {})).toThrow(/engine state key/);
      expect(() => store.append('error', { what: 'x\uD800', message: '' })).toThrow(/unpaired UTF-16 surrogate/);
      expect(() => store.append('flag_raised', { sequence: 1, level: 'high', probability: 0.7, patterns: [] }, { path: '/api/\uD800', body: {} })).toThrow(/upload path/);
      expect(store.answers()).toEqual([]);
      expect(store.entries()).toEqual([]);
      expect(store.saveAnswer({ questionId: 'q1', value: '\uD83D\uDE00' }).value).toBe('\uD83D\uDE00');
    } finally {
      store.close();
    }
  });
});
