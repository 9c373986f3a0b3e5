import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { coalesceWrites, type EngineConnection } from '../../../src-server/coalesce-writes';

/** An engine.io connection as coalesceWrites sees it, over a TCP socket that counts its corks. */
function connection(upgrade: string | undefined, transport = 'websocket') {
  const tcp = { corks: 0, uncorks: 0, destroyed: false, cork() { this.corks++; }, uncork() { this.uncorks++; } };
  const conn = Object.assign(new EventEmitter(), {
    request: { headers: upgrade === undefined ? {} : { upgrade }, socket: tcp } as unknown as IncomingMessage,
    transport: { name: transport },
  });
  return { conn: conn as EngineConnection & EventEmitter, tcp };
}
const nextTick = () => new Promise<void>((r) => process.nextTick(r));

describe('coalesceWrites', () => {
  it('corks the socket once for all flushes of one turn and uncorks it on the next tick', async () => {
    const { conn, tcp } = connection('websocket');
    coalesceWrites(conn);
    conn.emit('flush');
    conn.emit('flush');
    conn.emit('flush');
    expect(tcp).toMatchObject({ corks: 1, uncorks: 0 });
    await nextTick();
    expect(tcp).toMatchObject({ corks: 1, uncorks: 1 });
    conn.emit('flush');
    expect(tcp).toMatchObject({ corks: 2, uncorks: 1 });
    await nextTick();
    expect(tcp).toMatchObject({ corks: 2, uncorks: 2 });
  });

  it('leaves a connection alone whose first request was not the WebSocket upgrade (long-polling, upgraded later)', async () => {
    const { conn, tcp } = connection(undefined);
    coalesceWrites(conn);
    conn.emit('flush');
    await nextTick();
    expect(tcp).toMatchObject({ corks: 0, uncorks: 0 });
  });

  it('does not cork a destroyed socket', async () => {
    const { conn, tcp } = connection('WebSocket');
    coalesceWrites(conn);
    tcp.destroyed = true;
    conn.emit('flush');
    await nextTick();
    expect(tcp).toMatchObject({ corks: 0, uncorks: 0 });
  });
});
