import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../../src-main/audit/audit-store';
import { OutboxRelay, type OutboxRelayOptions } from '../../../src-main/upload/outbox-relay';
import { flagPayload, submissionPayload } from '../../audit-payloads';
import { FakeClock } from '../../fake-clock';

interface Call {
  url: string;
  key: string | null;
  body: unknown;
}
type Reply = { status: number; body: string; headers?: Record<string, string> } | 'network-error' | ((call: Call) => Reply);

/** A fetch that records calls and answers from a script (default: a correct ack). */
function scriptedFetch(script: Reply[] = []) {
  const calls: Call[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const call = { url: String(input), key: headers.get('idempotency-key'), body: JSON.parse(String(init?.body)) };
    calls.push(call);
    let reply: Reply = script.shift() ?? ((c: Call) => ({ status: 201, body: JSON.stringify({ ok: true, id: c.key }) }));
    while (typeof reply === 'function') reply = reply(call);
    if (reply === 'network-error') throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    return new Response(reply.body, { status: reply.status, headers: reply.headers });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

let scheduler: FakeClock;
let store: AuditStore;

beforeEach(() => {
  scheduler = new FakeClock(1_000_000);
  store = AuditStore.open(':memory:', { now: () => scheduler.now() });
});
afterEach(() => store.close());

function enqueue(n: number, kind: 'flag' | 'submission' = 'flag'): string[] {
  return Array.from({ length: n }, (_, i) =>
    (kind === 'flag' ? store.append('flag_raised', flagPayload(i), upload(kind, i)) : store.append('submission', submissionPayload(i), upload(kind, i))).outboxId!,
  );
}

function upload(kind: 'flag' | 'submission', i: number): { path: string; body: unknown } {
  return { path: `/api/${kind === 'flag' ? 'flagged-activity' : 'submissions'}/s1/u1`, body: { i } };
}

function relay(fetch: typeof globalThis.fetch, extra: Partial<OutboxRelayOptions> = {}): OutboxRelay {
  return new OutboxRelay({ outbox: store, serverUrl: 'http://exam.test/', scheduler, fetch, random: () => 0.5, baseDelayMs: 1000, maxDelayMs: 60_000, ...extra });
}

describe('OutboxRelay', () => {
  it('posts each item in order with its Idempotency-Key and marks it delivered on ack', async () => {
    const ids = enqueue(3);
    const { fetch, calls } = scriptedFetch();
    const r = relay(fetch);
    expect(await r.flush()).toEqual({ delivered: 3, failed: 0 });
    expect(calls).toEqual(ids.map((id, i) => ({ url: 'http://exam.test/api/flagged-activity/s1/u1', key: id, body: { i } })));
    expect(store.outboxCounts()).toEqual({ pending: 0, delivered: 3, rejected: 0 });
    expect(r.status()).toEqual({ pending: 0, lastError: null, serverUrl: 'http://exam.test' });
    expect(await r.flush()).toEqual({ delivered: 0, failed: 0 });
    expect(calls).toHaveLength(3);
  });

  it('without a server keeps everything queued and never throws', async () => {
    enqueue(2);
    const { fetch, calls } = scriptedFetch();
    const r = relay(fetch, { serverUrl: null });
    r.start();
    expect(scheduler.liveTimers()).toBe(0);
    expect(await r.flush()).toEqual({ delivered: 0, failed: 0 });
    expect(calls).toEqual([]);
    expect(r.status()).toEqual({ pending: 2, lastError: null, serverUrl: null });
    r.stop();
  });

  it('a network error backs off with full jitter and stops the pass', async () => {
    const [a, b] = enqueue(2);
    const { fetch, calls } = scriptedFetch(['network-error']);
    const r = relay(fetch);
    expect(await r.flush()).toEqual({ delivered: 0, failed: 1 });
    expect(calls.map((c) => c.key)).toEqual([a]); // b was not sent to a server that is down
    expect(r.status().lastError).toBe('cannot reach http://exam.test/api/flagged-activity/s1/u1: ECONNREFUSED');
    expect(store.outboxState(a!)).toEqual({ state: 'pending', attempts: 1, lastError: r.status().lastError });
    // Item a waits 0.5 * 1000 ms; b is still due now.
    expect(store.dueOutbox(scheduler.now(), 10).map((i) => i.id)).toEqual([b]);
    expect(await r.flush()).toEqual({ delivered: 1, failed: 0 });
    scheduler.advanceBy(500);
    expect(await r.flush()).toEqual({ delivered: 1, failed: 0 });
    expect(calls.map((c) => c.key)).toEqual([a, b, a]);
    expect(r.status()).toEqual({ pending: 0, lastError: null, serverUrl: 'http://exam.test' });
  });

  it('the wait grows with each failure of an item, up to the cap', async () => {
    const [a] = enqueue(1);
    const { fetch } = scriptedFetch(Array.from({ length: 10 }, () => ({ status: 502, body: 'bad gateway' })));
    const r = relay(fetch, { maxDelayMs: 20_000 });
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      await r.flush();
      const due = () => store.dueOutbox(scheduler.now(), 1).length > 0;
      let waited = 0;
      while (!due()) {
        scheduler.advanceBy(100);
        waited += 100;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(store.outboxState(a!)).toMatchObject({ state: 'pending', attempts: 7, lastError: 'HTTP 502: bad gateway' });
  });

  it('honours Retry-After on 503 and 429', async () => {
    const [a] = enqueue(1);
    const { fetch } = scriptedFetch([{ status: 503, body: '{"message":"maintenance"}', headers: { 'retry-after': '30' } }]);
    const r = relay(fetch);
    await r.flush();
    scheduler.advanceBy(29_000);
    expect(store.dueOutbox(scheduler.now(), 10)).toEqual([]);
    scheduler.advanceBy(1000);
    expect(store.dueOutbox(scheduler.now(), 10).map((i) => i.id)).toEqual([a]);
  });

  it('a 4xx is a permanent rejection with the server message; the item is kept and the rest go on', async () => {
    const [a, b] = enqueue(2);
    const { fetch, calls } = scriptedFetch([{ status: 400, body: '{"message":"submission needs an answers field"}' }]);
    const r = relay(fetch);
    expect(await r.flush()).toEqual({ delivered: 1, failed: 1 });
    expect(calls.map((c) => c.key)).toEqual([a, b]);
    expect(store.outboxState(a!)).toEqual({ state: 'rejected', attempts: 1, lastError: 'HTTP 400: submission needs an answers field' });
    expect(store.outboxCounts()).toEqual({ pending: 0, delivered: 1, rejected: 1 });
    expect(r.status().lastError).toBe('/api/flagged-activity/s1/u1 rejected: HTTP 400: submission needs an answers field');
    scheduler.advanceBy(3_600_000);
    await r.flush();
    expect(calls).toHaveLength(2);
  });

  it('408 and 429 are retried, not rejected', async () => {
    const [a] = enqueue(1);
    const { fetch } = scriptedFetch([{ status: 408, body: '' }, { status: 429, body: '' }]);
    const r = relay(fetch, { random: () => 0 });
    await r.flush();
    await r.flush();
    expect(store.outboxState(a!)).toMatchObject({ state: 'pending', attempts: 2 });
    await r.flush();
    expect(store.outboxState(a!)).toMatchObject({ state: 'delivered', attempts: 3 });
  });

  it('a malformed or mismatched 2xx is retried, never acknowledged', async () => {
    const [a] = enqueue(1);
    const { fetch, calls } = scriptedFetch([
      { status: 200, body: '<html>captive portal</html>' },
      { status: 200, body: '{"ok":true,"id":"someone-else"}' },
      { status: 200, body: '{"ok":true}' },
    ]);
    const r = relay(fetch, { random: () => 0 });
    for (let i = 0; i < 3; i++) expect(await r.flush()).toEqual({ delivered: 0, failed: 1 });
    expect(store.outboxState(a!)).toMatchObject({ state: 'pending', attempts: 3 });
    expect(await r.flush()).toEqual({ delivered: 1, failed: 0 });
    expect(new Set(calls.map((c) => c.key))).toEqual(new Set([a]));
  });

  it('started, it polls on the scheduler and pauses while the server is down', async () => {
    enqueue(3);
    const replies: Reply[] = ['network-error', 'network-error'];
    const { fetch, calls } = scriptedFetch(replies);
    const r = relay(fetch, { pollMs: 1000, random: () => 0.999 });
    r.start();
    scheduler.advanceBy(0);
    await settle();
    expect(calls).toHaveLength(1);
    // First failure pauses the relay for 999 ms, so the poll at +1000 ms probes again.
    scheduler.advanceBy(1000);
    await settle();
    expect(calls).toHaveLength(2); // second failure: pause grows to ~2 s
    scheduler.advanceBy(1000);
    await settle();
    expect(calls).toHaveLength(2);
    scheduler.advanceBy(1000);
    await settle();
    expect(store.outboxCounts()).toEqual({ pending: 0, delivered: 3, rejected: 0 });
    r.stop();
    expect(scheduler.liveTimers()).toBe(0);
  });

  it('stop() abandons an in-flight request without counting it as an attempt', async () => {
    const [a] = enqueue(1);
    let r!: OutboxRelay;
    const fetch = ((_url: string, init?: RequestInit) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        queueMicrotask(() => r.stop());
      })) as typeof globalThis.fetch;
    r = relay(fetch);
    expect(await r.flush()).toEqual({ delivered: 0, failed: 0 });
    expect(store.outboxState(a!)).toEqual({ state: 'pending', attempts: 0, lastError: null });
  });

  it('reports when the error changes or clears, not on every retry', async () => {
    enqueue(1);
    const { fetch } = scriptedFetch(['network-error', 'network-error', { status: 503, body: '{"message":"busy"}' }]);
    const seen: (string | null)[] = [];
    const r = relay(fetch, { random: () => 0, onStatusChange: (s) => seen.push(s.lastError) });
    for (let i = 0; i < 4; i++) await r.flush();
    expect(seen).toEqual(['cannot reach http://exam.test/api/flagged-activity/s1/u1: ECONNREFUSED', 'HTTP 503: busy', null]);
  });

  it('storage trouble is reported in status, never thrown', async () => {
    enqueue(1);
    const { fetch } = scriptedFetch();
    const r = relay(fetch);
    store.close();
    expect(await r.flush()).toEqual({ delivered: 0, failed: 0 });
    expect(r.status()).toMatchObject({ pending: 0, lastError: expect.stringMatching(/^outbox unreadable: .*not open/) });
  });
});

/** Lets the relay's awaited fetch/text promises run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}
