// The Config Key travels with every upload, over real HTTP, so a server can refuse a
// client running another policy.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../../src-main/audit/audit-store';
import { defaultPolicy } from '../../../src-main/contract';
import { configKey } from '../../../src-main/exam/config-key';
import { OutboxRelay } from '../../../src-main/upload/outbox-relay';
import { flagPayload } from '../../audit-payloads';
import { FakeClock } from '../../fake-clock';

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

async function recordingServer(expectedKey: string) {
  const seen: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    const key = req.headers['vigil-config-key'] as string | undefined;
    seen.push(key);
    req.resume();
    req.on('end', () => {
      if (key !== expectedKey) {
        res.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'client runs another policy' }));
      } else {
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, id: req.headers['idempotency-key'] }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function queued(n: number): AuditStore {
  const store = AuditStore.open(':memory:', { now: () => 1 });
  closers.push(() => store.close());
  for (let i = 0; i < n; i++) store.append('flag_raised', flagPayload(i), { path: '/api/flagged-activity/s1/u1', body: { i } });
  return store;
}

describe('the Config Key header', () => {
  const key = configKey(defaultPolicy());

  it('goes with every upload', async () => {
    const server = await recordingServer(key);
    const store = queued(3);
    const relay = new OutboxRelay({ outbox: store, serverUrl: server.url, scheduler: new FakeClock(1_000_000), configKey: key });
    expect(await relay.flush()).toEqual({ delivered: 3, failed: 0 });
    expect(server.seen).toEqual([key, key, key]);
  });

  it('lets the server refuse a client running another policy', async () => {
    const server = await recordingServer(key);
    const store = queued(1);
    const other = configKey({ ...defaultPolicy(), windowSeconds: 6 });
    const relay = new OutboxRelay({ outbox: store, serverUrl: server.url, scheduler: new FakeClock(1_000_000), configKey: other });
    expect(await relay.flush()).toEqual({ delivered: 0, failed: 1 });
    expect(relay.status().lastError).toMatch(/another policy/);
    expect(store.outboxCounts()).toMatchObject({ delivered: 0, rejected: 1 });
  });
});
