import type { NativeAddon, NativeEvent, NativeLoad } from '../../../../src-main/capture/integrity/native-addon';

/** A native addon whose watcher the test drives by hand. */
export function fakeNative(platform: NativeAddon['platform'] = 'x11', startError?: string) {
  const state: { emit: ((e: NativeEvent) => void) | null; stopped: number } = { emit: null, stopped: 0 };
  const addon: NativeAddon = {
    platform,
    abiVersion: 1,
    remoteSessionFlag: () => -1,
    Watcher: class {
      constructor(onEvent: (e: NativeEvent) => void) {
        if (startError) throw new Error(startError);
        state.emit = onEvent;
      }
      stop() {
        state.stopped++;
        state.emit = null;
      }
      setKeyboardLock() {
        return 'not supported on this platform';
      }
    },
  };
  const load = (): NativeLoad => ({ ok: true, addon });
  return { state, load, send: (e: NativeEvent) => state.emit!(e) };
}
