import { describe, expect, it } from 'vitest';
import { type Probe, runProbes, tracerProbe } from '../../../../src-main/capture/integrity/environment-probes';
import { fixture } from './fixtures';

describe('environment probes', () => {
  it('turns a probe that throws or hangs into a failed outcome, and runs the others', async () => {
    const probes: Probe[] = [
      { name: 'throws', everyMs: null, run: async () => { throw new Error('EIO reading /sys'); } },
      { name: 'throws_sync', everyMs: null, run: () => { throw new Error('sync boom'); } },
      { name: 'hangs', everyMs: null, run: () => new Promise(() => {}) },
      { name: 'fine', everyMs: null, run: async () => ({ kind: 'virtual_machine', evidence: [] }) },
    ];
    expect(await runProbes(probes, 100)).toEqual([
      { probe: 'throws', ok: false, reason: 'EIO reading /sys' },
      { probe: 'throws_sync', ok: false, reason: 'sync boom' },
      { probe: 'hangs', ok: false, reason: 'no answer within 100 ms' },
      { probe: 'fine', ok: true, finding: { kind: 'virtual_machine', evidence: [] } },
    ]);
  });

  it.runIf(process.platform === 'linux')('names the tracer from a recorded traced status', async () => {
    const f = await tracerProbe(() => fixture('proc-status-traced.txt')).run();
    expect(f.kind === 'debugger' && f.evidence[0]).toMatch(/^process 13547 .*is tracing Vigil \(TracerPid\)$/);
    expect(f.kind === 'debugger' && f.tracer?.pid).toBe(13547);
  });

  it.runIf(process.platform === 'linux')('finds no tracer on an untraced status, and fails on garbage', async () => {
    const f = await tracerProbe(() => fixture('proc-status-self.txt')).run();
    expect(f).toEqual({ kind: 'debugger', evidence: [], tracer: null });
    await expect(tracerProbe(() => 'garbage').run()).rejects.toThrow(/not readable as a status file/);
  });
});
