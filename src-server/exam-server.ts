import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addAttemptRoutes } from './attempt-routes';
import { addExamStartRoute } from './exam-start-route';
import { addCheckpointRoutes } from './checkpoint-routes';
import { tokenSession } from './credentials';
import type { RateLimit } from './client-rate-limit';
import { HttpError, Router, headerValue, readBody, type RouteResult } from './http-router';
import { LiveScorer } from './live-scorer';
import { attachLiveStream, type LiveStream } from './live-stream';
import { orderSigner } from './order-signing';
import { addPredictRoute } from './predict-route';
import { PROCTOR_ORDER_EVENT, addProctorOrderRoutes } from './proctor-order-routes';
import { addProctorLive } from './proctor-live';
import { addLiveViewPage } from './live-view-page';
import { LiveRecord } from './live-record';
import { addLiveTimelineRoute } from './live-timeline';
import { addProctorRoutes } from './proctor-routes';
import type { ExamServerFault, ServerContext } from './server-context';
import { SqliteExamStorage } from './sqlite-storage';
import type { AttemptRecord, ExamServerStorage, SessionUploads } from './storage';
import { addUploadRoutes } from './upload-routes';

export type { ExamServerFault } from './server-context';
export type { AttemptRecord, ExamServerStorage, SessionUploads, StoredUpload } from './storage';
export { SqliteExamStorage } from './sqlite-storage';

export interface ExamServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Keep everything in `<dataDir>/exam-server.db`; the server closes it on close(). */
  dataDir?: string;
  /**
   * Storage an earlier server used (restart without losing data). Left open on close().
   * Without dataDir or store, the server keeps its data in an in-memory SQLite database that
   * also stays open on close(), so a test can start a new server on `server.store`.
   */
  store?: ExamServerStorage;
  /** One line per request. */
  log?: (line: string) => void;
  maxBodyBytes?: number;
  /** The credential of proctor and admin routes; without it they are closed. */
  proctorToken?: string | null;
  /**
   * Accept uploads without a token for session ids that were never registered, as clients
   * from before registration send them. Registered sessions always need their token.
   */
  allowUnregisteredUploads?: boolean;
  /** The server's clock (epoch ms); tests move it. */
  now?: () => number;
  /** `/predict` requests per client per second (default 20). */
  predictRateLimit?: RateLimit;
  /** Streamed events are scored in windows of this length (default 5 s). */
  liveWindowMs?: number;
}

export interface ExamServer {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  port: number;
  store: ExamServerStorage;
  /** For features that own their own paths on the same port (a Socket.IO server). */
  httpServer: Server;
  /** Where features add routes (`/predict`, live views). */
  router: Router;
  /** Live risk per subject (`/predict` sample ids, streaming attempts), with the app's detection code. */
  scorer: LiveScorer;
  /** The seed's Socket.IO channel on the same port. */
  live: LiveStream;
  /** The attempt a token was issued for, or null: for channels beside HTTP (Socket.IO). */
  attemptForToken(token: string): AttemptRecord | null;
  close(): Promise<void>;
  sessions(): Record<string, SessionUploads>;
  /** While false, every request gets 503 and nothing is stored. */
  setAvailable(up: boolean): void;
  injectFault(fault: ExamServerFault, times?: number): void;
  /** Requests seen, by method and path, in order (for tests). */
  requests(): { method: string; path: string; status: number; key: string | null }[];
}

/**
 * The exam server: the seed's `/ping`, attempt registration (session id, K_0, deadline,
 * token), checkpoints of the keyed audit chain, the two upload endpoints with
 * Idempotency-Key semantics, and proctor routes. Loopback only.
 */
export async function startExamServer(opts: ExamServerOptions = {}): Promise<ExamServer> {
  const ownsStore = opts.store === undefined && opts.dataDir !== undefined;
  const store = opts.store ?? (opts.dataDir !== undefined ? SqliteExamStorage.openDir(opts.dataDir) : SqliteExamStorage.inMemory());
  const maxBodyBytes = opts.maxBodyBytes ?? 2 * 1024 * 1024;
  const log = opts.log ?? (() => undefined);
  const seen: { method: string; path: string; status: number; key: string | null }[] = [];
  let available = true;
  const signer = orderSigner(store.tokenSecret());
  const ctx: ServerContext = {
    storage: store,
    serverPublicKey: signer.publicKey,
    tokenSecret: store.tokenSecret(),
    now: opts.now ?? Date.now,
    proctorToken: opts.proctorToken ?? null,
    allowUnregisteredUploads: opts.allowUnregisteredUploads ?? false,
    faults: [],
  };

  const router = new Router();
  router.add('GET', '/ping', () => ({ status: 200, body: { message: 'Server is running' } }));
  addAttemptRoutes(router, ctx);
  addExamStartRoute(router, ctx);
  addCheckpointRoutes(router, ctx);
  addUploadRoutes(router, ctx);
  addProctorRoutes(router, ctx);
  const scorer = new LiveScorer({ now: ctx.now });
  addPredictRoute(router, scorer, opts.predictRateLimit);
  // The live channel attaches once the port is open; orders issued before have no one to reach.
  let live: LiveStream | null = null;
  const proctorLive = addProctorLive(router, ctx, scorer, () => live);
  addProctorOrderRoutes(router, ctx, signer, {
    deliver: (signed) => {
      live?.toAttempt(signed.order.sessionId, PROCTOR_ORDER_EVENT, signed);
      proctorLive.orderIssued(signed);
    },
  });
  // What the live channel carries is kept, so the drill-down survives a restart.
  const liveRecord = new LiveRecord(store, { now: ctx.now, log });
  addLiveTimelineRoute(router, ctx, liveRecord);
  addLiveViewPage(router);

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    const key = headerValue(req, 'idempotency-key');
    const finish = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(text);
      seen.push({ method, path, status, key });
      log(`${method} ${path} -> ${status}${key ? ` (key ${key})` : ''}`);
    };
    handle(req, path, method)
      .then((outcome) => {
        if (outcome === 'dropped') {
          seen.push({ method, path, status: 0, key });
          log(`${method} ${path} -> connection dropped (fault)`);
          req.socket.destroy();
          return;
        }
        finish(outcome.status, outcome.body, outcome.headers);
      })
      .catch((error: unknown) => {
        if (error instanceof HttpError) finish(error.status, { message: error.message, ...error.extra }, error.headers);
        else finish(500, { message: `internal error: ${String(error)}` });
      });
  });

  async function handle(req: IncomingMessage, path: string, method: string): Promise<RouteResult> {
    const raw = await readBody(req, maxBodyBytes);
    if (!available) return { status: 503, body: { message: 'Server unavailable' } };
    const match = router.match(method, path);
    if (match.kind === 'none') throw new HttpError(404, `no such endpoint: ${method} ${path}`);
    if (match.kind === 'wrong-method') throw new HttpError(405, `use ${match.allowed.join(' or ')} ${path}`, {}, { allow: match.allowed.join(', ') });
    return match.handler({ req, method, path, params: match.params, raw, header: (name) => headerValue(req, name) });
  }

  const port = opts.port ?? 0;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    liveRecord.close();
    if (ownsStore) store.close();
    throw error;
  }
  const actualPort = (server.address() as AddressInfo).port;
  const attemptForToken = (token: string): AttemptRecord | null => {
    const sessionId = tokenSession(ctx.tokenSecret, token);
    return sessionId === null ? null : (store.attempt(sessionId) ?? null);
  };
  live = attachLiveStream({
    httpServer: server,
    scorer,
    now: ctx.now,
    windowMs: opts.liveWindowMs,
    attemptForToken,
  });
  proctorLive.attach(live);
  liveRecord.attach(live);

  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    store,
    httpServer: server,
    router,
    scorer,
    live,
    attemptForToken,
    close: () =>
      new Promise<void>((resolve, reject) => {
        live?.close();
        liveRecord.close();
        server.close((error) => {
          if (ownsStore) store.close();
          if (error) reject(error);
          else resolve();
        });
        // Keep-alive sockets would hold the port; a "really closed" server drops them.
        server.closeAllConnections();
      }),
    sessions: () => store.uploads(),
    setAvailable(up) {
      available = up;
    },
    injectFault(fault, times = 1) {
      for (let i = 0; i < times; i++) ctx.faults.push(fault);
    },
    requests: () => seen.map((r) => ({ ...r })),
  };
}
