import { afterEach, describe, expect, it, vi } from 'vitest';
import { IntegritySource } from '../../../../src-main/capture/integrity/integrity-source';
import type { RawEvent } from '../../../../src-main/contract';
import { defaultPolicy } from '../../../../src-main/contract/policy';
import { fakeNative } from './fake-native';

const input = (keys: number, t: number) => ({
  type: 'input' as const, t, device: 'Virtual core XTEST keyboard', deviceId: 5, deviceNode: '', injected: true, keys, buttons: 0, motions: 0,
});

describe('IntegritySource', () => {
  afterEach(() => vi.useRealTimers());

  it('hands every observation to the session as an integrity raw event', () => {
    const native = fakeNative();
    const source = new IntegritySource(defaultPolicy().integrity, { loadNative: native.load, session: () => ({ kind: 'x11', display: ':3' }), probes: () => [] });
    const out: RawEvent[] = [];
    source.start((e) => out.push(e));
    native.send({ type: 'foreground', t: 10, pid: 0, window: 0, executable: '', appClass: '', title: '' });
    source.stop();
    expect(out).toContainEqual({ kind: 'integrity', t: 10, observation: expect.objectContaining({ kind: 'foreground_changed', t: 10 }) });
    expect(native.state.stopped).toBe(1);
  });

  it('passes the first injected-input report at once and sums the rest per period', () => {
    vi.useFakeTimers();
    const native = fakeNative();
    const source = new IntegritySource(defaultPolicy().integrity, { loadNative: native.load, session: () => ({ kind: 'x11', display: ':3' }), probes: () => [], coalesceMs: 1000 });
    const out: RawEvent[] = [];
    source.start((e) => out.push(e));
    const synthetic = () => out.flatMap((e) => (e.kind === 'integrity' && e.observation.kind === 'synthetic_input' ? [[e.t, e.observation.keys]] : []));
    native.send(input(2, 100));
    native.send(input(3, 350));
    native.send(input(4, 600));
    expect(synthetic()).toEqual([[100, 2]]);
    vi.advanceTimersByTime(1000);
    expect(synthetic()).toEqual([[100, 2], [600, 7]]);
    vi.advanceTimersByTime(1000); // nothing more came: nothing more is sent
    native.send(input(1, 5000));
    source.stop(); // what is pending goes out at stop
    expect(synthetic()).toEqual([[100, 2], [600, 7], [5000, 1]]);
  });

  it('logs a consumer that throws instead of throwing into the native callback', () => {
    const native = fakeNative();
    const log: string[] = [];
    const source = new IntegritySource(defaultPolicy().integrity, { loadNative: native.load, session: () => ({ kind: 'x11', display: ':3' }), probes: () => [], log: (l) => log.push(l) });
    source.start(() => {
      throw new Error('disk full');
    });
    expect(() => native.send({ type: 'limitation', t: 1, what: 'foreground', message: 'no WM' })).not.toThrow();
    source.stop();
    expect(log).toContain('integrity-monitor: an observation was not taken: disk full');
  });
});
