/**
 * Maps a native event timestamp onto the epoch timeline the rest of Vigil uses.
 *
 * libuiohook stamps each event with the OS's own clock (on X11 the server time: ms since
 * the X server started, 32-bit), taken when the event happened. That is more precise than
 * Date.now() when the event reaches JS: events are queued and often arrive in bursts
 * (measured: a burst of key events delivered ~1.2 s after they happened). So we keep
 * offset = Date.now() - eventTime, at its smallest observed value (the event with the
 * least delivery delay), and re-anchor when it moves by more than `maxSkewMs` (wall clock
 * set, X server restarted, 32-bit wrap). An event without a usable time gets Date.now().
 */
export class EventTimeAnchor {
  private offset: number | null = null;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxSkewMs = 2_000,
  ) {}

  toEpoch(eventTime: number): number {
    const now = this.now();
    if (!Number.isFinite(eventTime) || eventTime <= 0) return now;
    const candidate = now - eventTime;
    if (this.offset === null || candidate < this.offset || candidate - this.offset > this.maxSkewMs) {
      this.offset = candidate;
    }
    return eventTime + this.offset;
  }
}
