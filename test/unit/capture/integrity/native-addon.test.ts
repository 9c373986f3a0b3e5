import { describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../../../../src-main/capture/integrity/native-addon';

describe('loadNativeAddon', () => {
  it('says how to build it when it is not built', () => {
    const r = loadNativeAddon(() => {
      throw Object.assign(new Error("Cannot find module './build/Release/vigil_native.node'"), { code: 'MODULE_NOT_FOUND' });
    });
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/not built: run npm install .*libx11-dev libxi-dev libxrandr-dev/) });
  });

  it('reports a broken build with the loader message', () => {
    const r = loadNativeAddon(() => {
      throw new Error('libXi.so.6: cannot open shared object file: No such file or directory\nmore');
    });
    expect(r).toEqual({ ok: false, reason: 'the native capture addon (vigil-native) cannot be loaded: libXi.so.6: cannot open shared object file: No such file or directory' });
  });

  it('refuses a module of the wrong shape or a stale build', () => {
    expect(loadNativeAddon(() => ({}))).toMatchObject({ ok: false, reason: expect.stringMatching(/not the expected module/) });
    expect(loadNativeAddon(() => ({ Watcher: class {}, platform: 'x11', abiVersion: 0 }))).toMatchObject({ ok: false, reason: expect.stringMatching(/version 0, this build needs 1/) });
  });

  it('loads the real build here', () => {
    const r = loadNativeAddon();
    expect(r.ok, r.ok ? '' : r.reason).toBe(true);
    expect(r.ok && r.addon.platform).toBe(process.platform === 'linux' ? 'x11' : process.platform === 'win32' ? 'win32' : 'macos');
  });
});
