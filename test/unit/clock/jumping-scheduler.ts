import type { Scheduler } from '../../../src-main/contract/clock';

/**
 * A Scheduler with two clocks, as a real computer has: a monotonic one that timers run on
 * and that only `advance` moves, and a wall clock that follows it plus whatever `jumpWall`
 * sets (an administrator, NTP stepping, a dead CMOS battery).
 */
export class JumpingScheduler implements Scheduler {
  private mono = 0;
  private wallOffset: number;
  private timers: { at: number; every: number | null; fn: () => void; live: boolean }[] = [];

  constructor(wallStart = Date.UTC(2026, 10, 22, 9, 0, 0)) {
    this.wallOffset = wallStart;
  }

  now(): number {
    return this.mono + this.wallOffset;
  }

  monotonic(): number {
    return this.mono;
  }

  /** Sets the wall clock forward (positive) or back (negative); no timer fires. */
  jumpWall(ms: number): void {
    this.wallOffset += ms;
  }

  every(ms: number, fn: () => void): () => void {
    return this.add(ms, ms, fn);
  }

  after(ms: number, fn: () => void): () => void {
    return this.add(ms, null, fn);
  }

  /** Moves both clocks on by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const end = this.mono + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.mono = Math.max(this.mono, next.at);
      if (next.every === null) next.live = false;
      else next.at += next.every;
      next.fn();
    }
    this.mono = end;
  }

  private add(ms: number, every: number | null, fn: () => void): () => void {
    const timer = { at: this.mono + ms, every, fn, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  }
}
