import si from 'systeminformation';
import { describe, expect, it, vi } from 'vitest';
import type { RawEvent } from '../../src-main/contract/activity';
import { SystemSampler, systemInformationProbe } from '../../src-main/capture/system-sampler';

describe('system sampler on this machine (systeminformation)', () => {
  it('reads CPU load and network rates without ever listing processes', async () => {
    const processes = vi.spyOn(si, 'processes');
    await systemInformationProbe(); // primes the deltas
    await new Promise((r) => setTimeout(r, 1_000));
    const r = await systemInformationProbe();
    expect(r.cpuLoadPercent).toBeGreaterThanOrEqual(0);
    expect(r.cpuLoadPercent).toBeLessThanOrEqual(100.5);
    expect(r.net).not.toBeNull();
    expect(r.net!.rxBytesPerSec).toBeGreaterThanOrEqual(0);
    expect(r.net!.txBytesPerSec).toBeGreaterThanOrEqual(0);
    expect(processes).not.toHaveBeenCalled();
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
