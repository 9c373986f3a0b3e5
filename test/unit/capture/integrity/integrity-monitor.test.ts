import { describe, expect, it } from 'vitest';
import { IntegrityMonitor } from '../../../../src-main/capture/integrity/integrity-monitor';
import type { IntegrityObservation } from '../../../../src-main/capture/integrity/observation';
import { defaultPolicy } from '../../../../src-main/contract/policy';
import { fakeNative } from './fake-native';

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('IntegrityMonitor', () => {
  it('says what cannot be watched instead of staying quiet', async () => {
    const out: IntegrityObservation[] = [];
    const m = new IntegrityMonitor(defaultPolicy().integrity, {
      loadNative: () => ({ ok: false, reason: 'the native capture addon (vigil-native) is not built' }),
      session: () => ({ kind: 'x11', display: ':5' }),
      probes: () => [{ name: 'virtual_machine', everyMs: null, run: async () => { throw new Error('EACCES /sys/class/dmi/id/sys_vendor'); } }],
    });
    m.start((o) => out.push(o));
    await settle();
    m.stop();
    expect(out.filter((o) => o.kind === 'capture_unavailable').map((o) => o.kind === 'capture_unavailable' && [o.what, o.reason])).toEqual([
      ['native', 'the native capture addon (vigil-native) is not built'],
      ['virtual_machine', 'the virtual_machine probe failed: EACCES /sys/class/dmi/id/sys_vendor'],
    ]);
  });

  it('reports a steady probe finding once, a changed one again, a tracer as a debugger app, and probes the machine once', async () => {
    const out: IntegrityObservation[] = [];
    let evidence = ['started over SSH (SSH_CLIENT=1 2 22)'];
    let vmRuns = 0;
    const native = fakeNative();
    const m = new IntegrityMonitor(defaultPolicy().integrity, {
      loadNative: native.load,
      session: () => ({ kind: 'x11', display: ':5' }),
      reprobeMs: 20,
      probes: () => [
        { name: 'remote_session', everyMs: 10, run: async () => ({ kind: 'remote_session', evidence }) },
        { name: 'virtual_machine', everyMs: null, run: async () => ((vmRuns += 1), { kind: 'virtual_machine', evidence: [] }) },
        {
          name: 'debugger',
          everyMs: 10,
          run: async () => ({ kind: 'debugger', evidence: ['process 9 (gdb) is tracing Vigil (TracerPid)'], tracer: { pid: 9, executable: '/usr/bin/gdb', name: 'gdb' } }),
        },
      ],
    });
    m.start((o) => out.push(o));
    await new Promise((r) => setTimeout(r, 120));
    evidence = [...evidence, 'a VNC server listens on port 5900'];
    await new Promise((r) => setTimeout(r, 120));
    m.stop();
    const remote = out.filter((o) => o.kind === 'remote_session');
    expect(remote.map((o) => o.kind === 'remote_session' && o.evidence.length)).toEqual([1, 2]);
    // The real process watch runs too: other prohibited programs on this machine may show up beside it.
    const tracer = out.filter((o) => o.kind === 'prohibited_app' && o.via === 'tracer_pid');
    expect(tracer).toEqual([expect.objectContaining({ pid: 9, executable: '/usr/bin/gdb', name: 'gdb', category: 'debugger', via: 'tracer_pid' })]);
    expect(native.state.stopped).toBe(1);
    // The machine does not turn into a virtual machine mid-exam: that probe runs once.
    expect(vmRuns).toBe(1);
  });
});
