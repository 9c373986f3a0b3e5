/**
 * Maps a native event timestamp onto the epoch timeline the rest of Vigil uses.
 *
 * libuiohook stamps each event with the OS's own clock (on X11 the server time: ms since
 * the X server started, 32-bit), taken when the event happened. Relative timing (dwell,
 * flight) must come from those stamps: events reach JS through a queue, and whenever the
 * main thread is busy they arrive in a burst, all at the same Date.now() (measured: typing
 * while the thread was blocked delivered 11 keystrokes at once).
 *
 * So the offset (epoch - native) is fixed at the first event and kept, which keeps every
 * interval between events exact. Its only error is the first event's delivery delay, so
 * absolute times may run late by that much. It is re-anchored only when it is clearly
 * wrong: an event that would lie more than `earlyToleranceMs` in the future (the first
 * event came in a burst, the wall clock was set back, the X server restarted, the 32-bit
 * clock wrapped), or more than `lateToleranceMs` in the past (the wall clock was set
 * forward, or resumed from suspend, where the native clock stood still). A stall of the
 * main thread shorter than that does not move it. An event without a usable time gets
 * Date.now().
 */
export class EventTimeAnchor {
  private offset: number | null = null;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly earlyToleranceMs = 1_000,
    private readonly lateToleranceMs = 5_000,
  ) {}

  toEpoch(eventTime: number): number {
    const now = this.now();
    if (!Number.isFinite(eventTime) || eventTime <= 0) return now;
    const candidate = now - eventTime;
    if (
      this.offset === null ||
      candidate < this.offset - this.earlyToleranceMs ||
      candidate > this.offset + this.lateToleranceMs
    ) {
      this.offset = candidate;
    }
    return eventTime + this.offset;
  }
}
