import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../../src-main/audit/audit-store';
import { OutboxRelay } from '../../../src-main/upload/outbox-relay';
import { flagPayload } from '../../audit-payloads';
import { FakeClock } from '../../fake-clock';

// The relay's hooks for an attempt waiting for its key escrow (session/key-escrow.ts): held
// items are not tried, the token is read at each request, the escrow's answer is handed on.

let scheduler: FakeClock;
let store: AuditStore;
beforeEach(() => {
  scheduler = new FakeClock(1_000_000);
  store = AuditStore.open(':memory:', { now: () => scheduler.now() });
});
afterEach(() => store.close());

function recordingFetch(answer: (path: string, key: string) => unknown = (_p, key) => ({ ok: true, id: key })) {
  const calls: { path: string; authorization: string | null }[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const path = new URL(String(input)).pathname;
    calls.push({ path, authorization: headers.get('authorization') });
    return new Response(JSON.stringify(answer(path, headers.get('idempotency-key')!)), { status: 201 });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

describe('OutboxRelay with mayDeliver, a token getter and onDelivered', () => {
  it('holds what mayDeliver refuses, sends the rest, and uses the token as it is when each request goes', async () => {
    // The flag is older than the escrow here, so the pass meets it first and must hold it.
    store.append('flag_raised', flagPayload(1), { path: '/api/flagged-activity/s1/u1', body: { i: 1 } });
    store.append('flag_raised', flagPayload(0), { path: '/api/sessions/s1/key-escrow', body: { k0: 'x' } });
    let token: string | null = null;
    const answers: unknown[] = [];
    const { fetch, calls } = recordingFetch((path, key) => (path.endsWith('/key-escrow') ? { ok: true, id: key, token: 'T1' } : { ok: true, id: key }));
    const relay = new OutboxRelay({
      outbox: store,
      serverUrl: 'http://exam.test',
      scheduler,
      fetch,
      token: () => token,
      mayDeliver: (item) => token !== null || item.path.endsWith('/key-escrow'),
      onDelivered: (item, answer) => {
        answers.push(answer);
        if (item.path.endsWith('/key-escrow')) token = (answer as { token: string }).token;
      },
    });
    expect(await relay.flush()).toEqual({ delivered: 1, failed: 0 });
    expect(calls).toEqual([{ path: '/api/sessions/s1/key-escrow', authorization: null }]);
    expect(answers).toEqual([expect.objectContaining({ token: 'T1' })]);
    expect(store.outboxCounts()).toEqual({ pending: 1, delivered: 1, rejected: 0 });
    // The held flag keeps its place and goes with the token on the next pass.
    expect(await relay.flush()).toEqual({ delivered: 1, failed: 0 });
    expect(calls[1]).toEqual({ path: '/api/flagged-activity/s1/u1', authorization: 'Bearer T1' });
  });

  it('an onDelivered that throws leaves the item delivered and reports the problem', async () => {
    store.append('flag_raised', flagPayload(0), { path: '/api/sessions/s1/key-escrow', body: {} });
    const { fetch } = recordingFetch();
    const relay = new OutboxRelay({
      outbox: store,
      serverUrl: 'http://exam.test',
      scheduler,
      fetch,
      onDelivered: () => {
        throw new Error('no token in the answer');
      },
    });
    expect(await relay.flush()).toEqual({ delivered: 1, failed: 0 });
    expect(store.outboxCounts().delivered).toBe(1);
    expect(relay.status().lastError).toMatch(/after delivering \/api\/sessions\/s1\/key-escrow: no token in the answer/);
  });
});
