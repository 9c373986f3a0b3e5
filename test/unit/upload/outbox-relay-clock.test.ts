import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../../src-main/audit/audit-store';
import { OutboxRelay } from '../../../src-main/upload/outbox-relay';
import { JumpingScheduler } from '../clock/jumping-scheduler';

// The relay's waits are on the monotonic clock: a wall clock set back or forward an hour
// neither stalls a queued upload nor lets it be forgotten.

const HOUR = 3_600_000;
const FLAG = { sequence: 1, level: 'high' as const, probability: 0.7, patterns: [] };
let clock: JumpingScheduler;
let store: AuditStore;
beforeEach(() => {
  clock = new JumpingScheduler();
  store = AuditStore.open(':memory:', { now: () => clock.now() });
});
afterEach(() => store.close());

/** Fails the first `failures` requests with a 503, then acknowledges. */
function serverDownFor(failures: number) {
  let calls = 0;
  const fetch = (async (_url: string | URL | Request, init?: RequestInit) => {
    calls++;
    if (calls <= failures) return new Response('{"message":"busy"}', { status: 503 });
    const key = new Headers(init?.headers).get('idempotency-key');
    return new Response(JSON.stringify({ ok: true, id: key }), { status: 201 });
  }) as typeof globalThis.fetch;
  return { fetch, calls: () => calls };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

describe('OutboxRelay and a wall clock that jumps', () => {
  for (const jump of [-HOUR, HOUR]) {
    it(`delivers a queued upload on its backoff schedule after the clock is set ${jump < 0 ? 'back' : 'forward'} an hour`, async () => {
      store.append('flag_raised', FLAG, { path: '/api/flagged-activity/s1/u1', body: { i: 1 } });
      const server = serverDownFor(1);
      const relay = new OutboxRelay({ outbox: store, serverUrl: 'http://exam.test', scheduler: clock, fetch: server.fetch, random: () => 0.5, baseDelayMs: 1000, maxDelayMs: 60_000, pollMs: 1000 });
      relay.start();
      clock.advance(0);
      await settle();
      expect(server.calls()).toBe(1); // failed: next attempt in 500 ms
      clock.jumpWall(jump);
      for (let s = 0; s < 5; s++) {
        clock.advance(1000);
        await settle();
      }
      relay.stop();
      expect(server.calls()).toBe(2);
      expect(store.outboxCounts()).toEqual({ pending: 0, delivered: 1, rejected: 0 });
    });
  }

  it('still sends an upload queued after the clock was set forward (its row carries the new wall time)', async () => {
    const server = serverDownFor(0);
    const relay = new OutboxRelay({ outbox: store, serverUrl: 'http://exam.test', scheduler: clock, fetch: server.fetch, random: () => 0.5, pollMs: 1000 });
    relay.start();
    clock.advance(1000);
    clock.jumpWall(HOUR);
    store.append('flag_raised', FLAG, { path: '/api/flagged-activity/s1/u1', body: { i: 2 } });
    clock.advance(1000);
    await settle();
    relay.stop();
    expect(store.outboxCounts().delivered).toBe(1);
  });
});
