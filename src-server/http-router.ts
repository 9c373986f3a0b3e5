import type { IncomingMessage } from 'node:http';

/** An error a route throws to answer `status` with `{message}` (and any extra fields). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface RouteRequest {
  req: IncomingMessage;
  method: string;
  /** Decoded path, without the query string. */
  path: string;
  /** `:name` segments of the route pattern, URL-decoded (a bad escape is a 400). */
  params: Record<string, string>;
  /** The whole body, already read (bounded by the server's limit). */
  raw: Buffer;
  header(name: string): string | null;
}

export type RouteResult = { status: number; body: unknown; headers?: Record<string, string> } | 'dropped';
export type RouteHandler = (request: RouteRequest) => RouteResult | Promise<RouteResult>;

interface Route {
  method: string;
  pattern: string;
  segments: string[];
  handler: RouteHandler;
}

export type RouteMatch =
  | { kind: 'found'; handler: RouteHandler; params: Record<string, string> }
  | { kind: 'wrong-method'; allowed: string[] }
  | { kind: 'none' };

/**
 * Method + path pattern -> handler, with `:param` segments. Small on purpose: features add
 * their routes through `add` (uploads, registration, proctor, later /predict), and anything
 * that owns its own path (a Socket.IO server) attaches to the same http.Server beside it.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler): this {
    if (!pattern.startsWith('/')) throw new Error(`route pattern must start with "/": ${pattern}`);
    const segments = pattern.split('/').slice(1);
    if (this.routes.some((r) => r.method === method && sameShape(r.segments, segments))) {
      throw new Error(`route ${method} ${pattern} is already registered`);
    }
    this.routes.push({ method, pattern, segments, handler });
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const parts = path.split('/').slice(1);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', handler: route.handler, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'none' };
  }
}

function sameShape(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((s, i) => (s.startsWith(':') && b[i]!.startsWith(':')) || s === b[i]);
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    if (want.startsWith(':') ? parts[i] === '' : want !== parts[i]) return null;
  }
  // Decoded only once the route matches, so a bad escape never hides a 404 or another route.
  const params: Record<string, string> = {};
  pattern.forEach((want, i) => {
    if (want.startsWith(':')) params[want.slice(1)] = decodeParam(parts[i]!);
  });
  return params;
}

/** A bad escape is the client's 400, not a crash. */
export function decodeParam(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `malformed URL encoding in "${segment}"`);
  }
}

export function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
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

/** The body as a JSON object, or a 400 that says what is wrong. */
export function jsonObject(raw: Buffer): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, `request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
