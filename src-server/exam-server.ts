import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExamServerStore, type SessionUploads } from './exam-server-store';

export { ExamServerStore } from './exam-server-store';
export type { SessionUploads, StoredUpload } from './exam-server-store';

/**
 * Ways to misbehave on the next upload requests, for tests of the client's retry logic.
 * - malformed-ack: store the upload, then answer 200 with a body that is not an ack.
 * - drop-connection: store the upload, then cut the connection without answering.
 * - server-error: store nothing, answer 500.
 */
export type ExamServerFault = 'malformed-ack' | 'drop-connection' | 'server-error';

export interface ExamServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Reuse what an earlier server received (restart on the same port without losing data). */
  store?: ExamServerStore;
  /** One line per request. */
  log?: (line: string) => void;
  maxBodyBytes?: number;
}

export interface ExamServer {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  port: number;
  store: ExamServerStore;
  close(): Promise<void>;
  sessions(): Record<string, SessionUploads>;
  /** While false, every request gets 503 and nothing is stored. */
  setAvailable(up: boolean): void;
  injectFault(fault: ExamServerFault, times?: number): void;
  /** Requests seen, by method and path, in order (for tests). */
  requests(): { method: string; path: string; status: number; key: string | null }[];
}

// Ids arrive URL-encoded; real ones include e-mail addresses, so only control characters and '/' are refused.
const ID = /^[^\u0000-\u001f\u007f/]{1,128}$/;
const ID_RULE = '1-128 characters without "/" or control characters';
const KEY = /^[\x21-\x7e]{1,200}$/;
const UPLOAD_ROUTE = /^\/api\/(flagged-activity|submissions)\/([^/]+)\/([^/]+)$/;
const SESSION_ROUTE = /^\/api\/sessions\/([^/]+)$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The reference exam server: the seed's `/ping`, the two upload endpoints with
 * Idempotency-Key semantics, and a read endpoint for tests and people. Loopback only.
 */
export async function startExamServer(opts: ExamServerOptions = {}): Promise<ExamServer> {
  const store = opts.store ?? new ExamServerStore();
  const maxBodyBytes = opts.maxBodyBytes ?? 2 * 1024 * 1024;
  const log = opts.log ?? (() => undefined);
  const seen: { method: string; path: string; status: number; key: string | null }[] = [];
  let available = true;
  const faults: ExamServerFault[] = [];

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
    handle(req, path, method, key)
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
        if (error instanceof HttpError) finish(error.status, { message: error.message });
        else finish(500, { message: `internal error: ${String(error)}` });
      });
  });

  type Outcome = { status: number; body: unknown; headers?: Record<string, string> } | 'dropped';

  async function handle(req: IncomingMessage, path: string, method: string, key: string | null): Promise<Outcome> {
    const raw = await readBody(req, maxBodyBytes);
    if (!available) return { status: 503, body: { message: 'Server unavailable' } };

    if (path === '/ping') {
      if (method !== 'GET') throw new HttpError(405, 'use GET /ping');
      return { status: 200, body: { message: 'Server is running' } };
    }

    const sessionMatch = SESSION_ROUTE.exec(path);
    if (sessionMatch) {
      if (method !== 'GET') throw new HttpError(405, `use GET ${path}`);
      const sessionId = decodeId(sessionMatch[1]!);
      if (!ID.test(sessionId)) throw new HttpError(400, `session id must be ${ID_RULE}`);
      return { status: 200, body: store.snapshot()[sessionId] ?? { sessionId, flags: [], submissions: [] } };
    }

    const upload = UPLOAD_ROUTE.exec(path);
    if (!upload) throw new HttpError(404, `no such endpoint: ${method} ${path}`);
    if (method !== 'POST') throw new HttpError(405, `use POST ${path}`);
    const [, kind, rawSession, rawStudent] = upload;
    const sessionId = decodeId(rawSession!);
    const studentId = decodeId(rawStudent!);
    if (!ID.test(sessionId) || !ID.test(studentId)) {
      throw new HttpError(400, `session and student ids must be ${ID_RULE}`);
    }
    if (key === null) throw new HttpError(400, 'the Idempotency-Key header is required');
    if (!KEY.test(key)) throw new HttpError(400, 'Idempotency-Key must be 1-200 printable ASCII characters');

    const fingerprint = `${method} ${path} ${createHash('sha256').update(raw).digest('hex')}`;
    const previous = store.recordedResponse(key);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        throw new HttpError(422, `Idempotency-Key ${key} was already used for a different request`);
      }
      // A retry of something we already stored: same answer, nothing stored again.
      return { status: previous.status, body: previous.body, headers: { 'idempotent-replayed': 'true' } };
    }

    const fault = faults.shift();
    if (fault === 'server-error') return { status: 500, body: { message: 'injected server error' } };

    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw new HttpError(400, `request body is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HttpError(400, 'request body must be a JSON object');
    }
    if (kind === 'submissions') {
      const answers = (body as { answers?: unknown }).answers;
      if (typeof answers !== 'object' || answers === null) {
        throw new HttpError(400, 'a submission needs an "answers" array or object');
      }
    }
    const record = { studentId, idempotencyKey: key, receivedAt: new Date().toISOString(), body };
    const session = store.session(sessionId);
    if (kind === 'submissions') {
      if (session.submissions.some((s) => s.studentId === studentId)) {
        throw new HttpError(409, `student ${studentId} has already submitted in session ${sessionId}`);
      }
      session.submissions.push(record);
    } else {
      session.flags.push(record);
    }
    const ack = JSON.stringify({ ok: true, id: key, stored: kind === 'submissions' ? 'submission' : 'flag' });
    store.remember(key, { fingerprint, status: 201, body: ack });

    if (fault === 'malformed-ack') return { status: 200, body: '<html><body>Thanks!</body></html>' };
    if (fault === 'drop-connection') return 'dropped';
    return { status: 201, body: ack };
  }

  const port = opts.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    store,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets would hold the port; a "really closed" server drops them.
        server.closeAllConnections();
      }),
    sessions: () => store.snapshot(),
    setAvailable(up) {
      available = up;
    },
    injectFault(fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    requests: () => seen.map((r) => ({ ...r })),
  };
}

function decodeId(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `malformed URL encoding in "${segment}"`);
  }
}

function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => (tooBig ? reject(new HttpError(413, `request body over ${limit} bytes`)) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}
