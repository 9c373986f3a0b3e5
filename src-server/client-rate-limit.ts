import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from './http-router';

export interface RateLimit {
  /** Requests a client may make in any one-second window. */
  perSecond: number;
  /**
   * The server sits behind a reverse proxy on this machine (README): take the client's
   * address from the last X-Forwarded-For entry, which that proxy appended, when the
   * request comes from loopback. Off: every request is its socket's address.
   */
  trustProxy?: boolean;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** The address a request's limit counts against. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (!trustProxy || !LOOPBACK.test(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const last = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((a) => a.trim()).filter(Boolean).at(-1);
  return last ?? peer;
}

/**
 * Requests per client (its address) per second; the next one over gets a 429 that says when
 * to come back. For routes open without a token (`/predict`, as in the seed).
 */
export class ClientRateLimit {
  private readonly limiter: RateLimiterMemory;
  private readonly points: number;

  constructor(readonly limit: RateLimit) {
    if (!(limit.perSecond > 0)) throw new Error(`a rate limit needs a positive perSecond, got ${limit.perSecond}`);
    this.points = Math.ceil(limit.perSecond);
    this.limiter = new RateLimiterMemory({ points: this.points, duration: 1 });
  }

  async admit(req: IncomingMessage, what: string): Promise<void> {
    const client = clientAddress(req, this.limit.trustProxy ?? false);
    try {
      await this.limiter.consume(client);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new HttpError(
        429,
        `too many ${what} requests from ${client}: at most ${this.points} per second; try again in ${retryAfter} s`,
        { retryAfterSeconds: retryAfter },
        { 'retry-after': String(retryAfter) },
      );
    }
  }
}
