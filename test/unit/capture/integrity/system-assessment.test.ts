import { describe, expect, it } from 'vitest';
import type { NativeDisplay } from '../../../../src-main/capture/integrity/native-addon';
import { assessSystem, type SystemFacts } from '../../../../src-main/capture/integrity/system-assessment';
import { defaultPolicy } from '../../../../src-main/contract/policy';

const checks = defaultPolicy().integrity.checks;
const display = (name: string, x: number, extra: Partial<NativeDisplay> = {}): NativeDisplay => ({
  name, screen: 0, x, y: 0, width: 1920, height: 1080, primary: x === 0, outputs: 1, mirrored: false, ...extra,
});
const clean = (): SystemFacts => ({
  session: { kind: 'x11', display: ':0' },
  unavailable: [],
  prohibited: [],
  displays: [display('eDP-1', 0)],
  probes: [
    { probe: 'virtual_machine', ok: true, finding: { kind: 'virtual_machine', evidence: [] } },
    { probe: 'remote_session', ok: true, finding: { kind: 'remote_session', evidence: [] } },
    { probe: 'debugger', ok: true, finding: { kind: 'debugger', evidence: [], tracer: null } },
  ],
});

describe('assessSystem (pre-exam check)', () => {
  it('is ok with nothing to report on a clean machine', () => {
    expect(assessSystem(clean(), checks)).toEqual({ ok: true, findings: [] });
  });

  it('asks to close the prohibited applications, one line for all of them', () => {
    const facts = clean();
    const p = (pid: number, name: string, category: 'communication' | 'screen_capture', entry: string) => ({
      t: 0, pid, executable: `/usr/bin/${name}`, name, category, entry, via: 'executable_name' as const,
    });
    facts.prohibited = [p(10, 'Discord', 'communication', 'discord'), p(11, 'obs', 'screen_capture', 'obs'), p(12, 'Discord', 'communication', 'discord')];
    const r = assessSystem(facts, checks);
    expect(r.ok).toBe(false);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      kind: 'prohibited_app',
      severity: 'block',
      message: 'Close these applications: Discord (communication), obs (screen capture).',
    });
    expect((r.findings[0]!.apps as { pids: number[] }[])[0]!.pids).toEqual([10, 12]);
  });

  it('asks to disconnect a second display, and to stop mirroring', () => {
    const facts = clean();
    facts.displays = [display('eDP-1', 0), display('HDMI-1', 1920)];
    expect(assessSystem(facts, checks).findings.map((f) => [f.kind, f.message])).toEqual([
      ['second_display', 'Disconnect the second display: only one screen may be used during the exam (2 displays: eDP-1 1920x1080+0+0, HDMI-1 1920x1080+1920+0).'],
    ]);
    facts.displays = [display('eDP-1', 0, { mirrored: true }), display('HDMI-1', 0, { mirrored: true })];
    expect(assessSystem(facts, checks).findings.map((f) => f.kind)).toEqual(['mirrored_display']);
    facts.displays = [display('a', 0), display('b', 1920), display('c', 3840)];
    expect(assessSystem(facts, checks).findings[0]!.message).toMatch(/^Disconnect the extra displays/);
  });

  it('gives each probe finding its evidence', () => {
    const facts = clean();
    facts.probes = [
      { probe: 'virtual_machine', ok: true, finding: { kind: 'virtual_machine', evidence: ['DMI sys_vendor is "QEMU" (QEMU)'] } },
      { probe: 'remote_session', ok: true, finding: { kind: 'remote_session', evidence: ['a VNC server listens on port 5900'] } },
      { probe: 'debugger', ok: true, finding: { kind: 'debugger', evidence: ['process 77 (gdb) is tracing Vigil (TracerPid)'], tracer: { pid: 77, executable: '/usr/bin/gdb', name: 'gdb' } } },
    ];
    const r = assessSystem(facts, checks);
    expect(r.findings.map((f) => [f.kind, f.severity, f.evidence])).toEqual([
      ['virtual_machine', 'block', ['DMI sys_vendor is "QEMU" (QEMU)']],
      ['remote_session', 'block', ['a VNC server listens on port 5900']],
      ['debugger', 'block', ['process 77 (gdb) is tracing Vigil (TracerPid)']],
    ]);
    expect(r.findings[2]!.message).toBe('Close the debugger attached to Vigil (gdb, process 77).');
  });

  it('fails closed: a probe that failed blocks, and says so', () => {
    const facts = clean();
    facts.probes[0] = { probe: 'virtual_machine', ok: false, reason: 'no answer within 3000 ms' };
    const r = assessSystem(facts, checks);
    expect(r.ok).toBe(false);
    expect(r.findings[0]).toMatchObject({ kind: 'probe_failed', severity: 'block', probe: 'virtual_machine' });
    expect(r.findings[0]!.message).toMatch(/could not check virtual machine \(no answer within 3000 ms\)/);
  });

  it('reports Wayland and missing capture as warnings by default, never as a silent all-clear', () => {
    const facts = clean();
    facts.session = { kind: 'wayland', display: null, reason: 'this is a Wayland session: limited' };
    facts.unavailable = [{ what: 'native', reason: 'the native capture addon (vigil-native) is not built' }];
    facts.displays = null;
    const r = assessSystem(facts, checks);
    expect(r.ok).toBe(true);
    expect(r.findings.map((f) => [f.kind, f.severity, f.what])).toEqual([
      ['capture_unavailable', 'warn', 'wayland'],
      ['capture_unavailable', 'warn', 'native'],
    ]);
  });

  it('weighs each kind by the policy: warn lets the exam start, ignore drops the finding', () => {
    const facts = clean();
    facts.probes[0] = { probe: 'virtual_machine', ok: true, finding: { kind: 'virtual_machine', evidence: ['hypervisor flag'] } };
    expect(assessSystem(facts, { ...checks, virtual_machine: 'warn' })).toMatchObject({ ok: true, findings: [{ kind: 'virtual_machine', severity: 'warn' }] });
    expect(assessSystem(facts, { ...checks, virtual_machine: 'ignore' })).toEqual({ ok: true, findings: [] });
  });
});
