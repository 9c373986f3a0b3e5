import { x11DisplayProblem } from '../x11-display';

/**
 * Which kind of desktop Vigil runs on, from the environment alone (pure but for the
 * socket check x11DisplayProblem makes). Wayland matters because there the compositor
 * keeps other applications' windows and input to itself: an X11 connection (XWayland)
 * sees only other X11 clients.
 */
export type DesktopSession =
  | { kind: 'x11'; display: string }
  | { kind: 'wayland'; display: string | null; reason: string }
  | { kind: 'none'; reason: string }
  | { kind: 'windows' }
  | { kind: 'macos' };

export function desktopSession(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  displayProblem: (display: string | undefined) => string | null = x11DisplayProblem,
): DesktopSession {
  if (platform === 'win32') return { kind: 'windows' };
  if (platform === 'darwin') return { kind: 'macos' };
  const display = env.DISPLAY && env.DISPLAY.length > 0 ? env.DISPLAY : null;
  if (env.XDG_SESSION_TYPE === 'wayland' || (env.WAYLAND_DISPLAY ?? '') !== '') {
    return {
      kind: 'wayland',
      display,
      reason:
        'this is a Wayland session: other applications\' windows, which one has focus, and injected input are hidden from Vigil there' +
        (display ? ' (XWayland shows only X11 applications)' : '') +
        '; OS-level capture is limited. Log in with an X11 session (for example "GNOME on Xorg") for a full check.',
    };
  }
  const problem = displayProblem(display ?? undefined);
  if (problem) return { kind: 'none', reason: problem };
  return { kind: 'x11', display: display! };
}
