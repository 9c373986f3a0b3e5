import type { ActivityPackage, KeystrokeSample, RawEvent } from '../contract/activity';
import { meanOrNull, meanStd } from './window-stats';

/**
 * Silence longer than this counts as inactivity. Counted causally: a window's inactivity is
 * the time in it that lies more than this long after the last key or mouse event (the last
 * one before the window included; a held key is activity until its release). So 12 s of
 * silence give 7 s of inactivity, spread over the windows it covers, and a window never has
 * to wait for the next event to be closed.
 * Mouse-speed segments longer than this are rest, not motion, and are left out.
 */
export const DEFAULT_INACTIVITY_GAP_MS = 5_000;

export interface WindowerOptions {
  sessionId: string;
  windowMs: number;
  /** Start of window 0, on the same timeline as the events (epoch ms, or a replay's own). */
  startAt: number;
  /** Overrides DEFAULT_INACTIVITY_GAP_MS. */
  inactivityGapMs?: number;
  /** The sequence number of window 0 (a resumed session carries on its numbering); 0 by default. */
  firstSequence?: number;
}

interface Pending {
  /** Time the event counts at: its own time, raised to the open window's start if it came late. */
  at: number;
  /** Arrival order, to keep sorting stable for events with the same time. */
  arrival: number;
  event: RawEvent;
}

/**
 * Turns raw events into one ActivityPackage per fixed window [startAt + i*windowMs,
 * startAt + (i+1)*windowMs). Pure logic: time comes only from the events and from `drain`.
 *
 * Assignment: a keystroke belongs to the window of its `down` (capture emits it at key up,
 * so it often arrives after that window has been drained); every other event to the window
 * of its `t`. An event whose time lies before the open window (already drained) goes to the
 * open window instead: nothing is dropped. A late keystroke keeps its true down/up in
 * `keystrokes`, so its dwell is real; only its window is clamped.
 *
 * State that spans windows: focus (the session starts focused), the last mouse position,
 * and the last activity time (the session start counts as activity).
 */
export class ActivityWindower {
  private readonly sessionId: string;
  private readonly windowMs: number;
  private readonly startAt: number;
  private readonly gapMs: number;

  private sequence: number;
  private readonly firstSequence: number;
  private pending: Pending[] = [];
  private arrivals = 0;

  private focused = true;
  private unfocusedSince = 0;
  private lastMouse: { t: number; x: number; y: number } | null = null;
  /** End of the latest activity seen (a held key is activity until its release). */
  private lastActivity: number;

  constructor(opts: WindowerOptions) {
    if (typeof opts.sessionId !== 'string' || opts.sessionId.length === 0) {
      throw new RangeError('ActivityWindower: sessionId must be a non-empty string');
    }
    if (!Number.isFinite(opts.windowMs) || opts.windowMs <= 0) {
      throw new RangeError(`ActivityWindower: windowMs must be a positive number, got ${opts.windowMs}`);
    }
    if (!Number.isFinite(opts.startAt)) {
      throw new RangeError(`ActivityWindower: startAt must be a finite number, got ${opts.startAt}`);
    }
    const gap = opts.inactivityGapMs ?? DEFAULT_INACTIVITY_GAP_MS;
    if (!Number.isFinite(gap) || gap < 0) {
      throw new RangeError(`ActivityWindower: inactivityGapMs must be >= 0, got ${gap}`);
    }
    const first = opts.firstSequence ?? 0;
    if (!Number.isInteger(first) || first < 0) {
      throw new RangeError(`ActivityWindower: firstSequence must be a non-negative integer, got ${first}`);
    }
    this.firstSequence = first;
    this.sequence = first;
    this.sessionId = opts.sessionId;
    this.windowMs = opts.windowMs;
    this.startAt = opts.startAt;
    this.gapMs = gap;
    this.lastActivity = opts.startAt;
  }

  /** Start of the window that the next `drain` will close first. */
  private get openStart(): number {
    // Multiplied, not accumulated, so hours of windows do not drift by float error.
    return this.startAt + (this.sequence - this.firstSequence) * this.windowMs;
  }

  /**
   * Adds one event. Throws a RangeError (and keeps nothing) for an event that breaks the
   * contract: a non-finite time or value, or a key released before it was pressed.
   */
  push(event: RawEvent): void {
    validate(event);
    const t = event.kind === 'key' ? event.sample.down : event.t;
    this.pending.push({ at: Math.max(t, this.openStart), arrival: this.arrivals++, event });
  }

  /** Closes, in order, every window whose end is <= now, empty ones included. */
  drain(now: number): ActivityPackage[] {
    // Infinity would close windows forever.
    if (!Number.isFinite(now)) throw new RangeError(`ActivityWindower.drain: now must be finite, got ${now}`);
    const out: ActivityPackage[] = [];
    while (this.openStart + this.windowMs <= now) {
      const start = this.openStart;
      const end = start + this.windowMs;
      const mine: Pending[] = [];
      const later: Pending[] = [];
      for (const p of this.pending) (p.at < end ? mine : later).push(p);
      this.pending = later;
      mine.sort((a, b) => a.at - b.at || a.arrival - b.arrival);
      out.push(this.close(start, end, mine));
      this.sequence++;
    }
    return out;
  }

  private close(start: number, end: number, events: Pending[]): ActivityPackage {
    const keys: KeystrokeSample[] = [];
    const activity: [from: number, to: number][] = [];
    const cpu: number[] = [];
    const rx: number[] = [];
    const tx: number[] = [];
    let mouseMoves = 0;
    let mouseDistance = 0;
    let mouseTime = 0;
    let focusLosses = 0;
    let unfocusedMs = 0;
    let copies = 0;
    let pastes = 0;
    let externalPastes = 0;

    for (const { at, event } of events) {
      switch (event.kind) {
        case 'key':
          keys.push({ ...event.sample });
          activity.push([at, Math.max(event.sample.up, at)]);
          break;
        case 'mouse-move': {
          mouseMoves++;
          activity.push([at, at]);
          const last = this.lastMouse;
          if (last && at < last.t) break; // an older position than the one we hold: not a segment
          if (last) {
            const dt = at - last.t;
            if (dt > 0 && dt <= this.gapMs) {
              mouseDistance += Math.hypot(event.x - last.x, event.y - last.y);
              mouseTime += dt;
            }
          }
          this.lastMouse = { t: at, x: event.x, y: event.y };
          break;
        }
        case 'system':
          cpu.push(clamp(event.cpuLoadPercent, 0, 100));
          rx.push(Math.max(0, event.netRxBytesPerSec));
          tx.push(Math.max(0, event.netTxBytesPerSec));
          break;
        case 'focus':
          if (!event.focused && this.focused) {
            focusLosses++;
            this.focused = false;
            this.unfocusedSince = at;
          } else if (event.focused && !this.focused) {
            unfocusedMs += at - Math.max(this.unfocusedSince, start);
            this.focused = true;
          }
          break;
        case 'clipboard':
          if (event.action === 'copy') copies++;
          else {
            pastes++;
            if (event.external) externalPastes++;
          }
          break;
        case 'integrity':
          // OS-level observations are integrity evidence, not features of a window's activity.
          break;
        default:
          assertNever(event);
      }
    }
    if (!this.focused) unfocusedMs += end - Math.max(this.unfocusedSince, start);

    keys.sort((a, b) => a.down - b.down);
    const dwell = meanStd(keys.map((k) => k.up - k.down));
    const flights: number[] = [];
    for (let i = 0; i + 1 < keys.length; i++) flights.push(keys[i + 1]!.down - keys[i]!.up);
    const flight = meanStd(flights);
    const backspaces = keys.filter((k) => k.category === 'backspace').length;

    return {
      schemaVersion: 1,
      sessionId: this.sessionId,
      sequence: this.sequence,
      startedAt: start,
      endedAt: end,
      keystrokeCount: keys.length,
      meanDwellMs: dwell.mean,
      stdDwellMs: dwell.std,
      meanFlightMs: flight.mean,
      stdFlightMs: flight.std,
      backspaceRatio: keys.length === 0 ? 0 : backspaces / keys.length,
      meanMouseSpeed: mouseTime > 0 ? (mouseDistance / mouseTime) * 1000 : 0,
      mouseMoveCount: mouseMoves,
      inactivityMs: this.inactivity(start, end, activity),
      focusLosses,
      unfocusedMs,
      copyEvents: copies,
      pasteEvents: pastes,
      externalPasteEvents: externalPastes,
      cpuLoadPercent: meanOrNull(cpu),
      netRxBytesPerSec: meanOrNull(rx),
      netTxBytesPerSec: meanOrNull(tx),
      keystrokes: keys,
    };
  }

  /** Time in [start, end) more than gapMs after the end of the latest activity before it. */
  private inactivity(start: number, end: number, spans: [from: number, to: number][]): number {
    spans.sort((a, b) => a[0] - b[0]);
    let idle = 0;
    let prev = this.lastActivity;
    for (const [from, to] of spans) {
      idle += overlap(prev + this.gapMs, from, start, end);
      prev = Math.max(prev, to);
    }
    idle += overlap(prev + this.gapMs, end, start, end);
    this.lastActivity = prev;
    return idle;
  }
}

function overlap(from: number, to: number, start: number, end: number): number {
  return Math.max(0, Math.min(to, end) - Math.max(from, start));
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function assertNever(x: never): never {
  throw new RangeError(`ActivityWindower: unknown event kind ${JSON.stringify((x as { kind?: unknown }).kind)}`);
}

function validate(event: RawEvent): void {
  const bad = (what: string): never => {
    throw new RangeError(`ActivityWindower.push: ${event.kind} event has ${what}`);
  };
  switch (event.kind) {
    case 'key': {
      const { down, up } = event.sample;
      if (!Number.isFinite(down) || !Number.isFinite(up)) bad(`non-finite down/up (${down}, ${up})`);
      if (up < down) bad(`up (${up}) before down (${down})`);
      return;
    }
    case 'mouse-move':
      if (![event.t, event.x, event.y].every(Number.isFinite)) bad('a non-finite time or position');
      return;
    case 'system':
      if (![event.t, event.cpuLoadPercent, event.netRxBytesPerSec, event.netTxBytesPerSec].every(Number.isFinite)) {
        bad('a non-finite time or value');
      }
      return;
    case 'focus':
    case 'clipboard':
    case 'integrity':
      if (!Number.isFinite(event.t)) bad(`a non-finite time (${event.t})`);
      return;
    default:
      assertNever(event);
  }
}
