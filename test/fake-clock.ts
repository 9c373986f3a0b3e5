import type { Scheduler } from '../src-main/contract/clock';

interface Timer {
  id: number;
  due: number;
  every: number | null;
  fn: () => void;
}

/**
 * The one fake clock of the tests: a Scheduler on a simulated timeline. Nothing happens
 * until `advanceTo`/`advanceBy` moves time on, then timers fire in due order (ties in the
 * order they were set), each seeing `now()` equal to its own due time. Tests run hours of
 * an exam in milliseconds with it, deterministically.
 */
export class FakeClock implements Scheduler {
  private time: number;
  private nextId = 1;
  private timers: Timer[] = [];

  constructor(startAt = 0) {
    this.time = startAt;
  }

  now(): number {
    return this.time;
  }

  every(ms: number, fn: () => void): () => void {
    if (!(ms > 0)) throw new RangeError(`every(): interval must be positive, got ${ms}`);
    return this.add({ id: this.nextId++, due: this.time + ms, every: ms, fn });
  }

  after(ms: number, fn: () => void): () => void {
    return this.add({ id: this.nextId++, due: this.time + Math.max(0, ms), every: null, fn });
  }

  /** Moves time to `t`, firing every timer due on the way, in order. */
  advanceTo(t: number): void {
    for (;;) {
      const next = this.timers.reduce<Timer | null>((a, b) => (a === null || b.due < a.due || (b.due === a.due && b.id < a.id) ? b : a), null);
      if (!next || next.due > t) break;
      this.time = Math.max(this.time, next.due);
      if (next.every === null) this.timers = this.timers.filter((x) => x !== next);
      else next.due += next.every;
      next.fn();
    }
    this.time = Math.max(this.time, t);
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.time + ms);
  }

  /** Timers set and neither fired (one-shot) nor cancelled: what a component left running. */
  liveTimers(): number {
    return this.timers.length;
  }

  private add(timer: Timer): () => void {
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }
}

/** A FakeClock whose wall clock the "student" can set; monotonic() (and a server in the test) keep the true timeline. */
export class SettableClock extends FakeClock {
  private wallOffset = 0;
  override now(): number {
    return super.now() + this.wallOffset;
  }
  monotonic(): number {
    return super.now();
  }
  setWallBy(ms: number): void {
    this.wallOffset += ms;
  }
}
