import type { RawEvent, RawEventSource } from '../contract/activity';
import { createSystemProbe, type SystemProbe, type SystemReading } from './system-probe';

export type { SystemProbe, SystemReading } from './system-probe';

export interface SystemSamplerOptions {
  /** Sampling period. Default 5000 ms. */
  intervalMs?: number;
  now?: () => number;
  /** Default: createSystemProbe() (kernel counters on Linux, systeminformation elsewhere). */
  probe?: SystemProbe;
  /** Where the first failure of a run of failing samples is reported. Default console.error. */
  log?: (message: string) => void;
}

export const DEFAULT_SYSTEM_SAMPLE_MS = 5_000;

/**
 * CPU load and network throughput every few seconds, as `system` raw events.
 *
 * Never polls `processes()`: it spawns a program per running process (measured at 44% of a
 * core at 1 Hz with 370 processes). A sample that fails or yields nonsense is skipped and
 * reported once (again only after a good sample); the sampler keeps going. A sample still
 * in flight when the next tick comes makes that tick a no-op instead of piling up. The
 * timer is unref'd, and after stop() an in-flight sample is discarded, not emitted.
 */
export class SystemSampler implements RawEventSource {
  readonly name = 'system-sampler';
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly probe: SystemProbe;
  private readonly log: (message: string) => void;

  private timer: ReturnType<typeof setInterval> | null = null;
  private emit: ((event: RawEvent) => void) | null = null;
  /** Bumped by start/stop so a sample begun before stop() cannot emit after it. */
  private generation = 0;
  private inFlight = false;
  private failing = false;
  private primed = false;

  constructor(options: SystemSamplerOptions = {}) {
    const interval = options.intervalMs ?? DEFAULT_SYSTEM_SAMPLE_MS;
    if (!Number.isFinite(interval) || interval < 100) {
      throw new RangeError(`system-sampler: intervalMs must be >= 100, got ${interval}`);
    }
    this.intervalMs = interval;
    this.now = options.now ?? Date.now;
    this.probe = options.probe ?? createSystemProbe();
    this.log = options.log ?? ((m) => console.error(m));
  }

  start(emit: (event: RawEvent) => void): void {
    if (this.timer) return;
    this.emit = emit;
    this.generation++;
    this.primed = false;
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref?.();
    // Prime at once: CPU load and rates are deltas since the previous reading, so the first
    // reading is thrown away and the first emitted sample covers exactly one interval.
    void this.sample();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.emit = null;
    this.generation++;
    this.inFlight = false;
  }

  /** Takes one sample now; resolves when it has been emitted or skipped. */
  async sample(): Promise<void> {
    if (this.inFlight || !this.emit) return;
    const generation = this.generation;
    this.inFlight = true;
    try {
      const reading = await this.probe();
      if (generation !== this.generation) return;
      const event = toEvent(reading, this.now());
      this.failing = false;
      if (!this.primed) {
        this.primed = true;
        return;
      }
      if (event) this.emit?.(event);
    } catch (err) {
      if (generation !== this.generation) return;
      if (!this.failing) {
        this.failing = true;
        this.log(`system-sampler: sample skipped: ${err instanceof Error ? err.message : String(err)}`);
      }
    } finally {
      if (generation === this.generation) this.inFlight = false;
    }
  }
}

function toEvent(r: SystemReading, t: number): RawEvent | null {
  if (!Number.isFinite(r.cpuLoadPercent)) throw new Error(`CPU load is ${r.cpuLoadPercent}`);
  if (r.net === null) return null;
  const { rxBytesPerSec: rx, txBytesPerSec: tx } = r.net;
  if (!Number.isFinite(rx) || !Number.isFinite(tx)) throw new Error(`network rate is ${rx}/${tx}`);
  return {
    kind: 'system',
    t,
    cpuLoadPercent: Math.min(100, Math.max(0, r.cpuLoadPercent)),
    // A counter reset (interface re-created) can make a rate negative: that is not traffic.
    netRxBytesPerSec: Math.max(0, rx),
    netTxBytesPerSec: Math.max(0, tx),
  };
}
