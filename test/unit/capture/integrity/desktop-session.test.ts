import { describe, expect, it } from 'vitest';
import { desktopSession } from '../../../../src-main/capture/integrity/desktop-session';

const fine = () => null;

describe('desktopSession', () => {
  it('detects Wayland from XDG_SESSION_TYPE or WAYLAND_DISPLAY, and says capture is limited', () => {
    const s = desktopSession({ XDG_SESSION_TYPE: 'wayland', DISPLAY: ':0' }, 'linux', fine);
    expect(s).toMatchObject({ kind: 'wayland', display: ':0' });
    expect(s.kind === 'wayland' && s.reason).toMatch(/Wayland session.*XWayland shows only X11 applications.*limited/);
    expect(desktopSession({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux', fine)).toMatchObject({ kind: 'wayland', display: null });
  });

  it('is X11 when a display answers, none with the reason when not', () => {
    expect(desktopSession({ DISPLAY: ':0', XDG_SESSION_TYPE: 'x11' }, 'linux', fine)).toEqual({ kind: 'x11', display: ':0' });
    expect(desktopSession({}, 'linux', (d) => (d ? null : 'DISPLAY is not set'))).toEqual({ kind: 'none', reason: 'DISPLAY is not set' });
  });

  it('leaves Windows and macOS to their own sources', () => {
    expect(desktopSession({}, 'win32', fine)).toEqual({ kind: 'windows' });
    expect(desktopSession({}, 'darwin', fine)).toEqual({ kind: 'macos' });
  });
});
