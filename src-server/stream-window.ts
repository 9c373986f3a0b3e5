import type { WindowSummary } from './live-scorer';

/** A pause in input longer than this counts as inactivity (the gap, whole). */
export const INACTIVE_AFTER_MS = 3_000;

/**
 * The seed's streamed events of one attempt gathered into a window summary, in server time
 * (a client's own timestamps are used only for differences inside one event: a key's dwell,
 * a mouse stroke's speed). Running sums, so a window costs the same at any event rate.
 */
export class StreamWindow {
  private openedAt: number;
  private lastInputAt: number;
  private inactiveMs = 0;
  private keys = 0;
  private dwellSum = 0;
  private dwellSq = 0;
  private flights = 0;
  private flightSum = 0;
  private flightSq = 0;
  private lastKeyUp: number | null = null;
  private moves = 0;
  private speedSum = 0;
  private speeds = 0;
  private lastPoint: { x: number; y: number; t: number } | null = null;
  private focusLosses = 0;
  private unfocusedSince: number | null = null;
  private unfocusedMs = 0;
  private copies = 0;
  private pastes = 0;

  constructor(at: number) {
    this.openedAt = at;
    this.lastInputAt = at;
  }

  key(at: number, dwellMs: number, flightMs: number | null, upAt: number | null, downAt: number | null): void {
    this.input(at);
    this.keys++;
    this.dwellSum += dwellMs;
    this.dwellSq += dwellMs * dwellMs;
    const flight = flightMs ?? (downAt !== null && this.lastKeyUp !== null && downAt >= this.lastKeyUp ? downAt - this.lastKeyUp : null);
    if (flight !== null && flight <= 5_000) {
      this.flights++;
      this.flightSum += flight;
      this.flightSq += flight * flight;
    }
    if (upAt !== null) this.lastKeyUp = upAt;
  }

  mouse(at: number, x: number, y: number, t: number | null): void {
    this.input(at);
    this.moves++;
    const when = t ?? at;
    const last = this.lastPoint;
    if (last && when > last.t && when - last.t <= 1_000) {
      this.speedSum += (Math.hypot(x - last.x, y - last.y) / (when - last.t)) * 1000;
      this.speeds++;
    }
    this.lastPoint = { x, y, t: when };
  }

  focus(at: number, focused: boolean): boolean {
    if (!focused && this.unfocusedSince === null) {
      this.focusLosses++;
      this.unfocusedSince = at;
      return true;
    }
    if (focused && this.unfocusedSince !== null) {
      this.unfocusedMs += at - this.unfocusedSince;
      this.unfocusedSince = null;
    }
    return false;
  }

  clipboard(action: 'copy' | 'paste'): void {
    if (action === 'copy') this.copies++;
    else this.pastes++;
  }

  /** The window up to `at`, and a fresh one from there (focus carries over). */
  close(at: number): WindowSummary {
    const windowMs = Math.max(1, at - this.openedAt);
    const tail = at - this.lastInputAt;
    const inactivityMs = Math.min(windowMs, this.inactiveMs + (tail > INACTIVE_AFTER_MS ? tail : 0));
    const unfocusedMs = Math.min(windowMs, this.unfocusedMs + (this.unfocusedSince !== null ? at - Math.max(this.unfocusedSince, this.openedAt) : 0));
    const mean = (sum: number, n: number) => (n > 0 ? sum / n : 0);
    const std = (sum: number, sq: number, n: number) => (n > 1 ? Math.sqrt(Math.max(0, (sq - (sum * sum) / n) / (n - 1))) : 0);
    const summary: WindowSummary = {
      windowMs,
      keystrokeCount: this.keys,
      meanDwellMs: mean(this.dwellSum, this.keys),
      stdDwellMs: std(this.dwellSum, this.dwellSq, this.keys),
      meanFlightMs: mean(this.flightSum, this.flights),
      stdFlightMs: std(this.flightSum, this.flightSq, this.flights),
      backspaceRatio: null,
      mouseMoveCount: this.moves,
      meanMouseSpeed: mean(this.speedSum, this.speeds),
      inactivityMs,
      focusLosses: this.focusLosses,
      unfocusedMs,
      copyEvents: this.copies,
      pasteEvents: this.pastes,
      externalPasteEvents: 0,
    };
    const stillAway = this.unfocusedSince !== null;
    Object.assign(this, new StreamWindow(at));
    if (stillAway) this.unfocusedSince = at;
    return summary;
  }

  private input(at: number): void {
    const gap = at - this.lastInputAt;
    if (gap > INACTIVE_AFTER_MS) this.inactiveMs += gap;
    this.lastInputAt = Math.max(this.lastInputAt, at);
  }
}
