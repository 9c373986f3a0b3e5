import si from 'systeminformation';
import { describe, expect, it, vi } from 'vitest';
import type { RawEvent } from '../../src-main/contract/activity';
import { createKernelCounterProbe, systemInformationProbe } from '../../src-main/capture/system-probe';
import { SystemSampler } from '../../src-main/capture/system-sampler';

describe('system sampler on this machine (systeminformation)', () => {
  it.each([
    ['systeminformation', systemInformationProbe],
    ['kernel counters', createKernelCounterProbe()],
  ])('%s: reads CPU load and network rates without ever listing processes', async (_name, probe) => {
    const processes = vi.spyOn(si, 'processes');
    await probe(); // primes the deltas
    await new Promise((r) => setTimeout(r, 1_000));
    const r = await probe();
    expect(r.cpuLoadPercent).toBeGreaterThanOrEqual(0);
    expect(r.cpuLoadPercent).toBeLessThanOrEqual(100.5);
    expect(r.net).not.toBeNull();
    expect(r.net!.rxBytesPerSec).toBeGreaterThanOrEqual(0);
    expect(r.net!.txBytesPerSec).toBeGreaterThanOrEqual(0);
    expect(processes).not.toHaveBeenCalled();
  });

  it('the kernel counters see traffic that systeminformation sees', async () => {
    const kernel = createKernelCounterProbe();
    await Promise.all([kernel(), systemInformationProbe()]);
    await new Promise((r) => setTimeout(r, 2_000));
    const [k, s] = await Promise.all([kernel(), systemInformationProbe()]);
    // Same counters, same interval give or take the call times: equal within a loose bound.
    const close = (a: number, b: number) => Math.abs(a - b) <= Math.max(2_000, 0.5 * Math.max(a, b));
    expect(close(k.net!.rxBytesPerSec, s.net!.rxBytesPerSec)).toBe(true);
    expect(close(k.net!.txBytesPerSec, s.net!.txBytesPerSec)).toBe(true);
  });

  it('emits real system events at its cadence', async () => {
    const events: RawEvent[] = [];
    const s = new SystemSampler({ intervalMs: 500 });
    s.start((e) => events.push(e));
    await new Promise((r) => setTimeout(r, 1_800));
    s.stop();
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (const e of events) expect(e.kind).toBe('system');
  });
});
