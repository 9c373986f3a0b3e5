/**
 * Pure readers of remote-session evidence: the SSH and X-forwarding environment, remote
 * desktop servers listening (/proc/net/tcp), and remote desktop server processes.
 */

export function remoteEvidenceFromEnv(env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  if (env.SSH_CONNECTION) out.push(`started over SSH (SSH_CONNECTION=${env.SSH_CONNECTION})`);
  else if (env.SSH_CLIENT) out.push(`started over SSH (SSH_CLIENT=${env.SSH_CLIENT})`);
  else if (env.SSH_TTY) out.push(`started over SSH (SSH_TTY=${env.SSH_TTY})`);
  const display = env.DISPLAY ?? '';
  const host = /^(.*):\d+(?:\.\d+)?$/.exec(display)?.[1];
  // A host part other than the local socket means the window is drawn elsewhere: ssh -X
  // uses localhost:10 and up, a remote X server names its host.
  if (host !== undefined && host !== '' && host !== 'unix') out.push(`the display is forwarded or remote (DISPLAY=${display})`);
  if (env.XRDP_SESSION) out.push('an xrdp session (XRDP_SESSION is set)');
  if (env.CHROME_REMOTE_DESKTOP_SESSION) out.push('a Chrome Remote Desktop session');
  return out;
}

/** Local ports in LISTEN state from /proc/net/tcp or /proc/net/tcp6. */
export function parseListeningPorts(procNetTcp: string): number[] {
  const ports = new Set<number>();
  for (const line of procNetTcp.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4) continue;
    const local = cols[1]!;
    const state = cols[3]!;
    if (state !== '0A') continue; // TCP_LISTEN
    const port = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    if (Number.isInteger(port)) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b);
}

/** RDP (3389) and VNC (5900–5909) are remote-desktop servers; other listeners are not our business. */
export function remoteEvidenceFromPorts(ports: number[]): string[] {
  const out: string[] = [];
  for (const p of ports) {
    if (p === 3389) out.push('a remote desktop (RDP) server listens on port 3389');
    else if (p >= 5900 && p <= 5909) out.push(`a VNC server listens on port ${p}`);
  }
  return out;
}

/** Process names of remote desktop servers (a viewer on this machine is a remote_control app instead). */
const REMOTE_SERVERS = new Set([
  'xrdp', 'xrdp-sesman', 'xrdp-chansrv', 'xvnc', 'xtigervnc', 'x11vnc', 'vncserver', 'winvnc', 'tvnserver',
  'gnome-remote-desktop-daemon', 'krfb', 'vino-server', 'nxserver', 'nxnode', 'sunshine', 'teamviewerd', 'rustdesk',
]);

export function remoteEvidenceFromProcesses(names: { pid: number; name: string }[]): string[] {
  return names
    .filter((p) => REMOTE_SERVERS.has(p.name.toLowerCase()))
    .map((p) => `a remote desktop server runs: ${p.name} (pid ${p.pid})`);
}
