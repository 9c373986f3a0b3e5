import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { OutboxRelay } from '../../src-main/upload/outbox-relay';
import { createRealScheduler } from '../../src-main/clock/real-scheduler';
import { startExamServer, type ExamServer } from '../../src-server/exam-server';
import { flagPayload, submissionPayload } from '../audit-payloads';

// The outbox of a real SQLite file delivering to the real reference server over loopback,
// on the wall clock, with short backoff so "a while" fits in a test.

let dir: string;
let store: AuditStore;
let server: ExamServer;
let relay: OutboxRelay;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-relay-'));
  store = AuditStore.open(join(dir, 'attempt.db'));
  // The app does not register its attempt yet (issue 8, client half), so it uploads without a token.
  server = await startExamServer({ allowUnregisteredUploads: true });
  relay = new OutboxRelay({ outbox: store, serverUrl: server.url, scheduler: createRealScheduler(), baseDelayMs: 20, maxDelayMs: 150, pollMs: 20 });
});
afterEach(async () => {
  relay.stop();
  await server.close().catch(() => undefined);
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function flag(n: number): string {
  return store.append('flag_raised', flagPayload(n), { path: '/api/flagged-activity/sess-1/stud-1', body: { n, level: 'high' } }).outboxId!;
}
function submit(): string {
  return store.append('submission', submissionPayload(2), { path: '/api/submissions/sess-1/stud-1', body: { answers: { q1: 'B', q2: 'essay text' }, reason: 'student' } }).outboxId!;
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; relay status ${JSON.stringify(relay.status())}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every key the server stored, and a check that none is there twice. */
function serverKeys(): string[] {
  const session = server.sessions()['sess-1'];
  const keys = [...(session?.flags ?? []), ...(session?.submissions ?? [])].map((u) => u.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
  return keys;
}

describe('outbox -> reference server', () => {
  it('delivers everything once while the server is up', async () => {
    const ids = [flag(1), flag(2), submit()];
    relay.start();
    await waitFor('delivery', () => store.outboxCounts().pending === 0);
    expect(serverKeys().sort()).toEqual([...ids].sort());
    expect(server.sessions()['sess-1']!.submissions[0]!.body).toEqual({ answers: { q1: 'B', q2: 'essay text' }, reason: 'student' });
    expect(relay.status()).toEqual({ pending: 0, lastError: null, serverUrl: server.url });
  });

  it('server answering 503 for a while: nothing lost, nothing duplicated', async () => {
    server.setAvailable(false);
    relay.start();
    const ids = [flag(1), flag(2)];
    await sleep(400);
    ids.push(flag(3), submit()); // queued while the server is down
    await sleep(300);
    expect(serverKeys()).toEqual([]);
    expect(store.outboxCounts().pending).toBe(4);
    expect(relay.status().lastError).toBe('HTTP 503: Server unavailable');
    expect(store.outboxState(ids[0]!)!.attempts).toBeGreaterThan(1);
    // Backoff keeps the down server from being hammered: well under one request per poll per item.
    const tries = server.requests().length;
    expect(tries).toBeLessThan((700 / 20) * 4);

    server.setAvailable(true);
    await waitFor('delivery after recovery', () => store.outboxCounts().pending === 0);
    expect(serverKeys().sort()).toEqual([...ids].sort());
    expect(store.outboxCounts()).toEqual({ pending: 0, delivered: 4, rejected: 0 });
    // Order is not promised across an outage (each item has its own backoff); every item is.
    expect(server.sessions()['sess-1']!.flags.map((f) => (f.body as { n: number }).n).sort()).toEqual([1, 2, 3]);
  });

  it('server really closed and restarted on the same port: nothing lost, nothing duplicated', async () => {
    const ids = [flag(1)];
    relay.start();
    await waitFor('first delivery', () => store.outboxCounts().delivered === 1);
    const { port, store: serverData } = server;
    await server.close();
    ids.push(flag(2), flag(3), submit());
    await waitFor('a refused connection', () => /ECONNREFUSED/.test(relay.status().lastError ?? ''));
    await sleep(300);
    expect(store.outboxCounts()).toEqual({ pending: 3, delivered: 1, rejected: 0 });

    server = await startExamServer({ port, store: serverData, allowUnregisteredUploads: true });
    await waitFor('delivery after restart', () => store.outboxCounts().pending === 0);
    expect(serverKeys().sort()).toEqual([...ids].sort());
    expect(relay.status().lastError).toBeNull();
  });

  it('a malformed acknowledgement is retried, not acknowledged; the retry is not stored twice', async () => {
    const id = flag(1);
    server.injectFault('malformed-ack');
    expect(await relay.flush()).toEqual({ delivered: 0, failed: 1 });
    expect(store.outboxState(id)).toMatchObject({ state: 'pending', attempts: 1, lastError: expect.stringMatching(/^malformed acknowledgement \(HTTP 200, not JSON/) });
    // The server did store it before answering badly: the retry must be recognised, not stored again.
    expect(serverKeys()).toEqual([id]);
    relay.start();
    await waitFor('delivery', () => store.outboxState(id)!.state === 'delivered');
    expect(serverKeys()).toEqual([id]);
    expect(server.requests().filter((r) => r.key === id).map((r) => r.status)).toEqual([200, 201]);
  });

  it('a connection cut after the server stored the upload is retried without a duplicate', async () => {
    const id = submit();
    server.injectFault('drop-connection');
    expect(await relay.flush()).toEqual({ delivered: 0, failed: 1 });
    expect(store.outboxState(id)).toMatchObject({ state: 'pending', lastError: expect.stringMatching(/^cannot reach .*\/api\/submissions\/sess-1\/stud-1: /) });
    relay.start();
    await waitFor('delivery', () => store.outboxState(id)!.state === 'delivered');
    expect(server.sessions()['sess-1']!.submissions).toHaveLength(1);
  });

  it('a submission the server refuses is kept as rejected with the server message, and audited', async () => {
    const bad = store.append('submission', submissionPayload(0), { path: '/api/submissions/sess-1/stud-1', body: { note: 'no answers' } }).outboxId!;
    const good = flag(1);
    expect(await relay.flush()).toEqual({ delivered: 1, failed: 1 });
    expect(store.outboxState(bad)).toEqual({ state: 'rejected', attempts: 1, lastError: 'HTTP 400: a submission needs an "answers" array or object' });
    expect(store.outboxState(good)!.state).toBe('delivered');
    expect(store.entries().at(-1)).toMatchObject({ kind: 'error', payload: { source: 'upload', outboxId: bad } });
    expect(store.verify().ok).toBe(true);
    expect(relay.status().lastError).toBe('/api/submissions/sess-1/stud-1 rejected: HTTP 400: a submission needs an "answers" array or object');
  });

  it('survives the app restarting mid-outage: a new relay on the reopened file delivers the rest once', async () => {
    server.setAvailable(false);
    const ids = [flag(1), flag(2), submit()];
    relay.start();
    await waitFor('a failure', () => relay.status().lastError !== null);
    relay.stop();
    store.close();

    store = AuditStore.open(join(dir, 'attempt.db'));
    relay = new OutboxRelay({ outbox: store, serverUrl: server.url, scheduler: createRealScheduler(), baseDelayMs: 20, maxDelayMs: 150, pollMs: 20 });
    server.setAvailable(true);
    relay.start();
    await waitFor('delivery', () => store.outboxCounts().pending === 0);
    expect(serverKeys().sort()).toEqual([...ids].sort());
  });
});
