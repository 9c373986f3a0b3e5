import type { Display as ElectronDisplay, PowerMonitor, Screen } from 'electron';
import type { Display, IntegrityObservation, RawEvent, RawEventSource } from '../contract';

/**
 * Electron's powerMonitor (sleep, wake, screen lock) and screen (a display added or
 * removed) as an event source of integrity observations: the session records them as
 * findings, treats a screen lock as the desktop's own surface (no points), and weighs a
 * second display by policy.
 */
export function createPowerEvents(powerMonitor: PowerMonitor, screen: Screen): RawEventSource {
  const detach: (() => void)[] = [];
  return {
    name: 'power and display events',
    start(emit: (e: RawEvent) => void) {
      const send = (observation: IntegrityObservation) => emit({ kind: 'integrity', t: observation.t, observation });
      const power = (event: 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen') => {
        const listener = () => send({ t: Date.now(), kind: 'power', event });
        powerMonitor.on(event as 'suspend', listener);
        detach.push(() => powerMonitor.removeListener(event as 'suspend', listener));
      };
      power('suspend');
      power('resume');
      power('lock-screen');
      power('unlock-screen');
      const displays = () => {
        const primary = screen.getPrimaryDisplay().id;
        const all = screen.getAllDisplays().map((d) => asDisplay(d, primary));
        // Electron reports a mirrored pair as one display; the OS watcher (XRandR) sees mirroring.
        send({ t: Date.now(), kind: 'display_changed', displays: all, count: all.length, mirrored: false });
      };
      screen.on('display-added', displays);
      screen.on('display-removed', displays);
      detach.push(() => screen.removeListener('display-added', displays));
      detach.push(() => screen.removeListener('display-removed', displays));
    },
    stop() {
      for (const d of detach.splice(0)) d();
    },
  };
}

function asDisplay(d: ElectronDisplay, primary: number): Display {
  const { x, y, width, height } = d.bounds;
  // Electron's displays share one coordinate space (screen 0) and show one output each.
  return { name: d.label || String(d.id), screen: 0, x, y, width, height, primary: d.id === primary, outputs: 1, mirrored: false };
}
