import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RawEvent } from '../../../src-main/contract/activity';
import {
  DEFAULT_SYSTEM_SAMPLE_MS,
  SystemSampler,
  type SystemReading,
} from '../../../src-main/capture/system-sampler';

const reading = (cpu: number, rx = 100, tx = 10): SystemReading => ({
  cpuLoadPercent: cpu,
  net: { rxBytesPerSec: rx, txBytesPerSec: tx },
});

/** Lets the probe's promise and the sampler's continuation run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

afterEach(() => {
  vi.useRealTimers();
});

describe('SystemSampler', () => {
  it('primes at start, then emits one system event per interval (default 5 s)', async () => {
    vi.useFakeTimers({ now: 1_000 });
    const readings = [reading(99), reading(20, 1_000, 50), reading(40, 3_000, 70)];
    const probe = vi.fn(async () => readings.shift() ?? reading(0));
    const events: RawEvent[] = [];
    const s = new SystemSampler({ probe });
    s.start((e) => events.push(e));
    await settle();
    expect(events).toEqual([]); // the priming reading is a delta since boot: thrown away
    await vi.advanceTimersByTimeAsync(DEFAULT_SYSTEM_SAMPLE_MS - 1);
    expect(events).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(DEFAULT_SYSTEM_SAMPLE_MS);
    expect(events).toEqual([
      { kind: 'system', t: 6_000, cpuLoadPercent: 20, netRxBytesPerSec: 1_000, netTxBytesPerSec: 50 },
      { kind: 'system', t: 11_000, cpuLoadPercent: 40, netRxBytesPerSec: 3_000, netTxBytesPerSec: 70 },
    ]);
    expect(probe).toHaveBeenCalledTimes(3);
    s.stop();
  });

  it('skips a failing sample, logs a run of failures once, and keeps going', async () => {
    vi.useFakeTimers({ now: 0 });
    const script: (SystemReading | Error)[] = [
      reading(1),
      new Error('EMFILE'),
      new Error('EMFILE'),
      reading(30),
      { cpuLoadPercent: Number.NaN, net: null },
      reading(50),
    ];
    const probe = async () => {
      const next = script.shift() ?? reading(0);
      if (next instanceof Error) throw next;
      return next;
    };
    const logs: string[] = [];
    const events: RawEvent[] = [];
    const s = new SystemSampler({ probe, intervalMs: 1_000, log: (m) => logs.push(m) });
    s.start((e) => events.push(e));
    await vi.advanceTimersByTimeAsync(5_000);
    s.stop();
    expect(events.map((e) => (e.kind === 'system' ? e.cpuLoadPercent : -1))).toEqual([30, 50]);
    expect(logs).toEqual(['system-sampler: sample skipped: EMFILE', 'system-sampler: sample skipped: CPU load is NaN']);
  });

  it('clamps rounding overshoot and counter resets into the contract range, skips rate-less readings quietly', async () => {
    vi.useFakeTimers({ now: 0 });
    const script: SystemReading[] = [reading(0), reading(100.6, -5, -1), { cpuLoadPercent: 10, net: null }, reading(5)];
    const logs: string[] = [];
    const events: RawEvent[] = [];
    const s = new SystemSampler({ probe: async () => script.shift()!, intervalMs: 1_000, log: (m) => logs.push(m) });
    s.start((e) => events.push(e));
    await vi.advanceTimersByTimeAsync(3_000);
    s.stop();
    expect(events.map((e) => (e.kind === 'system' ? [e.cpuLoadPercent, e.netRxBytesPerSec, e.netTxBytesPerSec] : []))).toEqual([
      [100, 0, 0],
      [5, 100, 10],
    ]);
    expect(logs).toEqual([]);
  });

  it('does not pile up samples behind a slow probe', async () => {
    vi.useFakeTimers({ now: 0 });
    let release: (r: SystemReading) => void = () => {};
    const probe = vi.fn(() => new Promise<SystemReading>((resolve) => (release = resolve)));
    const s = new SystemSampler({ probe, intervalMs: 1_000 });
    s.start(() => {});
    await vi.advanceTimersByTimeAsync(10_000);
    expect(probe).toHaveBeenCalledTimes(1);
    release(reading(1));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(probe).toHaveBeenCalledTimes(2);
    s.stop();
  });

  it('stop() really stops: no more probes, and a sample in flight is not emitted', async () => {
    vi.useFakeTimers({ now: 0 });
    let release: (r: SystemReading) => void = () => {};
    let calls = 0;
    const probe = (): Promise<SystemReading> => {
      calls++;
      if (calls === 1) return Promise.resolve(reading(0));
      return new Promise((resolve) => (release = resolve));
    };
    const events: RawEvent[] = [];
    const s = new SystemSampler({ probe, intervalMs: 1_000 });
    s.start((e) => events.push(e));
    await vi.advanceTimersByTimeAsync(1_000); // second probe now in flight
    s.stop();
    release(reading(42));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(events).toEqual([]);
    expect(calls).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not keep the process alive', () => {
    const s = new SystemSampler({ probe: async () => reading(1) });
    s.start(() => {});
    const timer = (s as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    s.stop();
  });

  it('rejects a silly interval', () => {
    expect(() => new SystemSampler({ intervalMs: 0 })).toThrow(/intervalMs/);
  });
});
