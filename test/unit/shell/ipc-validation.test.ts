import { describe, expect, it } from 'vitest';
import { isAppUrl, refuseSender } from '../../../src-main/shell/ipc-validation';

const EXAM = 7;
const good = { webContentsId: EXAM, isMainFrame: true, frameUrl: 'app://vigil/index.html' };

describe('refuseSender', () => {
  it('accepts the exam window main frame on app://vigil', () => {
    expect(refuseSender(good, EXAM)).toBeNull();
    expect(refuseSender({ ...good, frameUrl: 'app://vigil/index.html?x#y' }, EXAM)).toBeNull();
  });

  it.each([
    [{ ...good, webContentsId: 8 }, EXAM, /unknown webContents 8/],
    [{ ...good, isMainFrame: false }, EXAM, /sub-frame/],
    [{ ...good, frameUrl: null }, EXAM, /gone/],
    [{ ...good, frameUrl: 'https://evil.example/' }, EXAM, /foreign origin/],
    [{ ...good, frameUrl: 'app://evil/index.html' }, EXAM, /foreign origin/],
    [{ ...good, frameUrl: 'file:///opt/vigil/out/renderer/index.html' }, EXAM, /foreign origin/],
    [{ ...good, frameUrl: 'about:blank' }, EXAM, /foreign origin/],
    [good, null, /no exam window/],
  ])('refuses %j', (sender, exam, reason) => {
    expect(refuseSender(sender, exam)).toMatch(reason);
  });

  it('compares scheme and host, not URL.origin (which is "null" for app://)', () => {
    expect(new URL('app://vigil/x').origin).toBe('null');
    expect(isAppUrl('app://vigil/x')).toBe(true);
    expect(isAppUrl('app://vigil.evil/x')).toBe(false);
    expect(isAppUrl('app://vigil:8080/x')).toBe(false);
    expect(isAppUrl('::')).toBe(false);
  });
});
