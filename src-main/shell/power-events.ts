import type { PowerMonitor, Screen } from 'electron';
import type { IntegrityObservation, IntegritySource } from '../contract';

/**
 * Electron's powerMonitor (sleep, wake, screen lock) and screen (a display added or
 * removed) as an integrity source: the session records them as findings, treats a screen
 * lock as the desktop's own surface (no points), and weighs a second display by policy.
 */
export function createPowerEvents(powerMonitor: PowerMonitor, screen: Screen): IntegritySource {
  const detach: (() => void)[] = [];
  return {
    name: 'power and display events',
    start(emit: (o: IntegrityObservation) => void) {
      const power = (event: 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen') => {
        const listener = () => emit({ t: Date.now(), kind: 'power', event });
        powerMonitor.on(event as 'suspend', listener);
        detach.push(() => powerMonitor.removeListener(event as 'suspend', listener));
      };
      power('suspend');
      power('resume');
      power('lock-screen');
      power('unlock-screen');
      const displays = () => {
        const all = screen.getAllDisplays();
        // Electron reports a mirrored pair as one display; the OS watcher (XRandR) sees mirroring.
        emit({ t: Date.now(), kind: 'display_changed', count: all.length, mirrored: false });
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
