import { readFileSync } from 'node:fs';

/**
 * Preflight for libuiohook on Linux. Its X11 start path does not fail cleanly: with DISPLAY
 * unset `uIOhook.start()` blocks forever, and with DISPLAY naming a display nobody serves it
 * aborts the whole process (SIGABRT after "XOpenDisplay failure!"; measured with
 * uiohook-napi 1.5.5). So before starting it we check, synchronously, that an X server
 * listens where DISPLAY points.
 *
 * Returns null when the display looks usable, else a sentence saying what is wrong.
 * Local displays (`:N`, `unix:N`) are checked against the kernel's table of unix sockets
 * (an X server listens on /tmp/.X11-unix/XN, as a file and/or an abstract name).
 * Remote displays (`host:N`, e.g. ssh forwarding) cannot be checked without blocking and
 * are let through.
 */
export function x11DisplayProblem(
  display: string | undefined,
  readUnixSockets: () => string = () => readFileSync('/proc/net/unix', 'utf8'),
): string | null {
  if (!display) {
    return 'DISPLAY is not set: keyboard and mouse capture needs an X11 display (Xorg or XWayland).';
  }
  const m = /^(.*):(\d+)(?:\.\d+)?$/.exec(display);
  if (!m) return `DISPLAY=${display} is not a display name like ":0".`;
  const host = m[1]!;
  const number = m[2]!;
  if (host !== '' && host !== 'unix') return null;
  let sockets: string;
  try {
    sockets = readUnixSockets();
  } catch {
    return null; // no /proc (not Linux, or locked down): let libuiohook try
  }
  const path = `/tmp/.X11-unix/X${number}`;
  const listening = sockets.split('\n').some((line) => {
    const name = line.trim().split(/\s+/)[7];
    return name === path || name === `@${path}`;
  });
  return listening ? null : `no X server is listening on DISPLAY=${display} (${path}).`;
}
