import type { Scheduler } from '../../../src-main/contract/clock';

/** A Scheduler whose time moves only when the test says so. */
export class ManualScheduler implements Scheduler {
  private time: number;
  private timers: { at: number; every: number | null; fn: () => void; live: boolean }[] = [];

  constructor(start = 1_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  every(ms: number, fn: () => void): () => void {
    return this.add(ms, ms, fn);
  }

  after(ms: number, fn: () => void): () => void {
    return this.add(ms, null, fn);
  }

  /** Moves time on by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.time = Math.max(this.time, next.at);
      if (next.every === null) next.live = false;
      else next.at += next.every;
      next.fn();
    }
    this.time = end;
  }

  liveTimers(): number {
    return this.timers.filter((t) => t.live).length;
  }

  private add(ms: number, every: number | null, fn: () => void): () => void {
    const timer = { at: this.time + ms, every, fn, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  }
}
