import type { Departure, FocusTarget } from '../contract/integrity';

/** How telling a target is: a prohibited app outranks an unknown one, which outranks the desktop's own surfaces. */
const RANK: Record<FocusTarget['kind'], number> = { system_surface: 0, unknown_app: 1, prohibited_app: 2 };

/**
 * Turns the page's focus events, the OS watcher's foreground changes and the screen lock
 * into departures: stretches of time away from the exam window, each counted once however
 * many sources saw it. The student is away while any source says so (the page blurred,
 * another application in front, the screen locked); the page regaining focus settles the
 * page and the OS (our window is in front again), the OS seeing our window settles the OS,
 * an unlock settles the lock. Pure and deterministic: times come from the callers.
 */
export class DepartureTracker {
  private pageAway = false;
  private osAway = false;
  private locked = false;
  private since: number | null = null;
  /** When settle() last closed the open part (the rest of that absence runs from then). */
  private settledAt: number | null = null;
  private target: FocusTarget | null = null;
  private readonly seenBy = new Set<Departure['seenBy'][number]>();
  /** The last foreign foreground, so a page blur just after it knows where focus went. */
  private lastForeign: { t: number; target: FocusTarget } | null = null;

  /** @param sameObservationMs a page blur this soon after an OS foreground change belongs to it. */
  constructor(private readonly sameObservationMs: number) {}

  get away(): boolean {
    return this.since !== null;
  }

  /** Since when the student has been away, or null. */
  get awaySince(): number | null {
    return this.since;
  }

  page(focused: boolean, t: number): Departure | null {
    if (!focused) {
      this.pageAway = true;
      const recent = this.lastForeign && t - this.lastForeign.t <= this.sameObservationMs ? this.lastForeign.target : null;
      return this.leave(t, 'page', recent ?? { kind: 'unknown_app', name: null });
    }
    this.pageAway = false;
    this.osAway = false;
    return this.maybeReturn(t);
  }

  /** `target` null: our own window is in front. */
  foreground(target: FocusTarget | null, t: number): Departure | null {
    if (target === null) {
      this.osAway = false;
      return this.maybeReturn(t);
    }
    this.lastForeign = { t, target };
    this.osAway = true;
    return this.leave(t, 'os', target);
  }

  screenLock(locked: boolean, t: number): Departure | null {
    if (locked) {
      this.locked = true;
      return this.leave(t, 'screen_lock', { kind: 'system_surface', surface: 'screen_lock', name: 'screen lock' });
    }
    this.locked = false;
    return this.maybeReturn(t);
  }

  /**
   * Closes the current departure at `t` without a return (the exam is ending, or it has
   * lasted long enough to be charged in full); the student stays away from `t` on.
   */
  settle(t: number): Departure | null {
    if (this.since === null || this.target === null) return null;
    const d: Departure = { from: this.since, to: Math.max(t, this.since), target: this.target, seenBy: [...this.seenBy] };
    this.since = t;
    this.settledAt = t;
    return d;
  }

  /** Starts or updates the departure; returns the part before a screen lock, which is its own departure. */
  private leave(t: number, by: Departure['seenBy'][number], target: FocusTarget): Departure | null {
    if (this.since === null || this.target === null) {
      this.since = t;
      this.target = target;
      this.seenBy.clear();
      this.seenBy.add(by);
      return null;
    }
    // Nothing has said where focus went yet (only the page saw it, or an unnamed window): the OS or the lock can.
    const pageOnly = this.target.kind === 'unknown_app' && this.target.name === null;
    let before: Departure | null = null;
    if (by === 'screen_lock') {
      if (!(pageOnly && t - this.since <= this.sameObservationMs) && this.target.kind !== 'system_surface') {
        // Time away before the lock is not excused by it: that part is settled on its own.
        before = this.settle(t);
        this.seenBy.clear();
      }
      this.target = target;
    } else if (pageOnly || RANK[target.kind] > RANK[this.target.kind]) {
      this.target = target;
    }
    this.seenBy.add(by);
    return before;
  }

  private maybeReturn(t: number): Departure | null {
    if (this.since === null || this.pageAway || this.osAway || this.locked) return null;
    const d: Departure = { from: this.since, to: Math.max(t, this.since), target: this.target!, seenBy: [...this.seenBy] };
    // Back at the very moment an absence was settled: nothing is left of it to charge again.
    const nothingLeft = this.settledAt === this.since && d.to === d.from;
    this.since = null;
    this.target = null;
    this.settledAt = null;
    this.seenBy.clear();
    return nothingLeft ? null : d;
  }
}
