import { describe, expect, it } from 'vitest';
import type { IntegrityObservation } from '../../../../src-main/capture/integrity/observation';
import { OsWatcher } from '../../../../src-main/capture/integrity/os-watcher';
import type { SyntheticAllow } from '../../../../src-main/contract/policy-integrity';
import { fakeNative } from './fake-native';

function watcher(opts: { allow?: SyntheticAllow[]; accommodations?: string[]; native?: ReturnType<typeof fakeNative> } = {}) {
  const native = opts.native ?? fakeNative();
  const out: IntegrityObservation[] = [];
  const w = new OsWatcher({
    allow: opts.allow ?? [],
    runningAccommodations: () => opts.accommodations ?? [],
    load: native.load,
    session: () => ({ kind: 'x11', display: ':9' }),
    executableOf: (pid) => (pid === 4242 ? '/usr/bin/xterm' : null),
    isVirtualInputNode: (node) => node === '/dev/input/event9',
  });
  w.start((o) => out.push(o));
  return { w, out, native };
}

const input = (p: Partial<Extract<Parameters<ReturnType<typeof fakeNative>['send']>[0], { type: 'input' }>>) => ({
  type: 'input' as const, t: 5.4, device: 'Virtual core XTEST keyboard', deviceId: 5, deviceNode: '', injected: true, keys: 3, buttons: 0, motions: 0, ...p,
});

describe('OsWatcher', () => {
  it('turns a foreground event into foreground_changed with the executable from the pid', () => {
    const { out, native } = watcher();
    native.send({ type: 'foreground', t: 1000.6, pid: 4242, window: 77, executable: '', appClass: 'XTerm', title: 'vigil-a' });
    native.send({ type: 'foreground', t: 1001, pid: 0, window: 0, executable: '', appClass: '', title: '' });
    expect(out).toEqual([
      { t: 1001, kind: 'foreground_changed', pid: 4242, executable: '/usr/bin/xterm', appClass: 'XTerm', title: 'vigil-a', window: 77 },
      { t: 1001, kind: 'foreground_changed', pid: null, executable: null, appClass: null, title: null, window: 0 },
    ]);
  });

  it('reports XTEST and uinput input as synthetic, and hardware input not at all', () => {
    const { out, native } = watcher();
    native.send(input({}));
    native.send(input({ device: 'ydotoold virtual device', injected: false, deviceNode: '/dev/input/event9', keys: 0, motions: 12 }));
    native.send(input({ device: 'AT Translated Set 2 keyboard', injected: false, deviceNode: '/dev/input/event3', keys: 40 }));
    expect(out.map((o) => o.kind === 'synthetic_input' && [o.device, o.count, o.injectedBy, o.allowedBy])).toEqual([
      ['Virtual core XTEST keyboard', 3, 'xtest', null],
      ['ydotoold virtual device', 12, 'uinput', null],
    ]);
  });

  it('marks injected input covered by an accommodation, by device or by running program', () => {
    const byDevice = watcher({ allow: [{ device: 'virtual core xtest keyboard', reason: 'switch access (accommodation 7)' }] });
    byDevice.native.send(input({}));
    expect(byDevice.out[0]).toMatchObject({ kind: 'synthetic_input', allowedBy: 'switch access (accommodation 7)' });

    const byProcess = watcher({ allow: [{ process: 'onboard', reason: 'on-screen keyboard' }], accommodations: ['onboard'] });
    byProcess.native.send(input({}));
    expect(byProcess.out[0]).toMatchObject({ allowedBy: 'on-screen keyboard (onboard is running)' });

    const notRunning = watcher({ allow: [{ process: 'onboard', reason: 'on-screen keyboard' }], accommodations: [] });
    notRunning.native.send(input({}));
    expect(notRunning.out[0]).toMatchObject({ allowedBy: null });
  });

  it('reports displays with mirrors marked, and limitations and a lost connection as capture_unavailable', () => {
    const { out, native } = watcher();
    const d = { name: 'a', screen: 0, x: 0, y: 0, width: 800, height: 600, primary: true, outputs: 1, mirrored: false };
    native.send({ type: 'displays', t: 1, displays: [d, { ...d, name: 'b', primary: false }] });
    native.send({ type: 'limitation', t: 2, what: 'foreground', message: 'no EWMH window manager' });
    native.send({ type: 'error', t: 3, message: 'the X server closed the connection' });
    expect(out.map((o) => o.kind)).toEqual(['display_changed', 'capture_unavailable', 'capture_unavailable']);
    expect(out[0]).toMatchObject({ count: 2, mirrored: true });
    expect(out[2]).toMatchObject({ what: 'native', reason: 'the OS watcher stopped: the X server closed the connection' });
  });

  it('never starts silently: no addon, no display, a failing start, or Wayland are each reported', () => {
    const run = (o: ConstructorParameters<typeof OsWatcher>[0]) => {
      const out: IntegrityObservation[] = [];
      new OsWatcher(o).start((x) => out.push(x));
      return out.map((x) => x.kind === 'capture_unavailable' && `${x.what}: ${x.reason}`);
    };
    const base = { allow: [], runningAccommodations: () => [] };
    expect(run({ ...base, load: () => ({ ok: false, reason: 'not built' }), session: () => ({ kind: 'x11', display: ':1' }) })).toEqual(['native: not built']);
    expect(run({ ...base, session: () => ({ kind: 'none', reason: 'DISPLAY is not set' }) })).toEqual(['native: OS-level capture cannot run: DISPLAY is not set']);
    expect(run({ ...base, load: fakeNative('x11', 'cannot open X display :1').load, session: () => ({ kind: 'x11', display: ':1' }) })).toEqual([
      'native: the OS watcher cannot start: cannot open X display :1',
    ]);
    expect(run({ ...base, session: () => ({ kind: 'wayland', display: null, reason: 'Wayland: limited' }) })).toEqual(['wayland: Wayland: limited']);
  });

  it('stops the native watcher', () => {
    const { w, native } = watcher();
    w.stop();
    expect(native.state.stopped).toBe(1);
  });
});
