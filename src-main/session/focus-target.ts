import { normaliseName, ProhibitedMatcher } from '../capture/integrity/prohibited-matcher';
import type { FocusTarget } from '../contract/integrity';
import type { IntegrityObservation } from '../contract/integrity-observation';
import { prohibitedLists, SYSTEM_SURFACES, type IntegrityPolicy, type SystemSurface } from '../contract/policy-integrity';

type Foreground = Extract<IntegrityObservation, { kind: 'foreground_changed' }>;

/**
 * Says what took focus from the exam, from the OS watcher's foreground change: our own
 * window (null), a prohibited application (matched by executable path and name as the
 * process watch matches it), one of the desktop's own surfaces, or an unknown application.
 */
export class FocusTargetClassifier {
  private readonly prohibited: ProhibitedMatcher;
  private readonly surfaces = new Map<string, SystemSurface>();
  private readonly surfacePaths: { piece: string; surface: SystemSurface }[] = [];

  constructor(
    policy: IntegrityPolicy,
    /** Our own processes (main, renderer, GPU): focus on them is focus on the exam. */
    private readonly isOwnPid: (pid: number) => boolean,
  ) {
    this.prohibited = new ProhibitedMatcher(prohibitedLists(policy));
    for (const surface of SYSTEM_SURFACES) {
      for (const entry of policy.lockdown.leaving.surfaces[surface]) {
        if (/[\\/]/.test(entry)) this.surfacePaths.push({ piece: entry.toLowerCase().replace(/\\/g, '/'), surface });
        else if (!this.surfaces.has(normaliseName(entry))) this.surfaces.set(normaliseName(entry), surface);
      }
    }
  }

  classify(o: Foreground): FocusTarget | null {
    if (o.pid !== null && this.isOwnPid(o.pid)) return null;
    const executable = o.executable;
    const hit = this.prohibited.match({ pid: o.pid ?? -1, executable, comm: o.appClass, argv0: null });
    if (hit) return { kind: 'prohibited_app', name: hit.name, category: hit.category };
    const exeName = executable ? (executable.split(/[\\/]/).pop() ?? executable) : null;
    for (const candidate of [exeName, o.appClass]) {
      if (!candidate) continue;
      const surface = this.surfaces.get(normaliseName(candidate));
      if (surface) return { kind: 'system_surface', surface, name: candidate };
    }
    if (executable) {
      const path = executable.toLowerCase().replace(/\\/g, '/');
      const p = this.surfacePaths.find((s) => path.includes(s.piece));
      if (p) return { kind: 'system_surface', surface: p.surface, name: exeName ?? executable };
    }
    // null: nothing says which (nothing has focus, a window without a name); a later, named one replaces it.
    const name = o.appClass ?? exeName ?? (o.title ? `"${o.title.slice(0, 60)}"` : null);
    return { kind: 'unknown_app', name };
  }
}
