import { monotonicNow } from '../contract/clock';
import type { Clock } from '../contract/clock';

export interface RateBudgetOptions {
  /** Calls allowed per second, sustained. */
  perSecond: number;
  /** Calls allowed at once after a quiet spell. */
  burst: number;
}

/**
 * A token bucket on the monotonic clock: bounds what one caller (a renderer) can make the
 * main process do per second, whatever the wall clock does. A refused call has done nothing,
 * so the caller retries it and nothing is lost.
 */
export class RateBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly clock: Clock,
    private readonly opts: RateBudgetOptions,
  ) {
    if (!(opts.perSecond > 0) || !(opts.burst >= 1)) {
      throw new RangeError(`RateBudget: perSecond must be > 0 and burst >= 1, got ${opts.perSecond} and ${opts.burst}`);
    }
    this.tokens = opts.burst;
    this.last = monotonicNow(clock);
  }

  /** Takes one call's worth; false when the caller is over its budget right now. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the next call would be allowed (0 when it would be now). */
  retryAfterMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.opts.perSecond) * 1000);
  }

  private refill(): void {
    const now = monotonicNow(this.clock);
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.opts.burst, this.tokens + (elapsed / 1000) * this.opts.perSecond);
  }
}
