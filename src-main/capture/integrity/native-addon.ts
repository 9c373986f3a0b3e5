import { createRequire } from 'node:module';
import type { Display } from '../../contract/integrity-observation';

/**
 * The typed face of `native/` (vigil-native). Only main loads it, only through here, and a
 * load that fails is a reason (a sentence), never an exception that escapes.
 */

/** A display as the OS reports it (schema in contract/integrity-observation.ts). */
export type NativeDisplay = Display;

export type NativeEvent =
  | { type: 'foreground'; t: number; pid: number; window: number; executable: string; appClass: string; title: string }
  | {
      type: 'input';
      t: number;
      device: string;
      deviceId: number;
      deviceNode: string;
      /** The OS says this input was injected (X11: the XTEST device; Windows: LLKHF_INJECTED). */
      injected: boolean;
      keys: number;
      buttons: number;
      motions: number;
    }
  | { type: 'displays'; t: number; displays: NativeDisplay[] }
  | { type: 'limitation'; t: number; what: string; message: string }
  | { type: 'error'; t: number; message: string };

export interface NativeWatcher {
  stop(): void;
  /** Windows: block Alt+Tab and the Win key. Returns null when done, else why not. */
  setKeyboardLock(on: boolean): string | null;
}

export interface NativeAddon {
  platform: 'x11' | 'win32' | 'macos';
  abiVersion: number;
  Watcher: new (onEvent: (e: NativeEvent) => void) => NativeWatcher;
  /** Windows SM_REMOTESESSION (1 = remote); -1 where there is no such query. */
  remoteSessionFlag(): number;
}

export type NativeLoad = { ok: true; addon: NativeAddon } | { ok: false; reason: string };

/** The interface this TypeScript was written against; a stale build is refused, not half-used. */
const ABI_VERSION = 1;

let cached: NativeLoad | null = null;

/** Loads vigil-native once. `load` is for tests (a missing or broken build). */
export function loadNativeAddon(load: () => unknown = defaultLoad): NativeLoad {
  if (cached && load === defaultLoad) return cached;
  let result: NativeLoad;
  try {
    const addon = load() as Partial<NativeAddon> | null;
    if (!addon || typeof addon.Watcher !== 'function' || typeof addon.platform !== 'string') {
      result = { ok: false, reason: 'the native capture addon (vigil-native) loaded but is not the expected module' };
    } else if (addon.abiVersion !== ABI_VERSION) {
      result = {
        ok: false,
        reason: `the native capture addon is version ${String(addon.abiVersion)}, this build needs ${ABI_VERSION}: run npm install (or npm rebuild vigil-native)`,
      };
    } else {
      result = { ok: true, addon: addon as NativeAddon };
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message = (e as Error).message.split('\n')[0];
    result = {
      ok: false,
      reason:
        code === 'MODULE_NOT_FOUND'
          ? 'the native capture addon (vigil-native) is not built: run npm install (it needs a C++ compiler and libx11-dev libxi-dev libxrandr-dev)'
          : `the native capture addon (vigil-native) cannot be loaded: ${message}`,
    };
  }
  if (load === defaultLoad) cached = result;
  return result;
}

function defaultLoad(): unknown {
  return createRequire(import.meta.url)('vigil-native');
}
