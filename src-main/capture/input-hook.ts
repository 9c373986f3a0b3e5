import { createRequire } from 'node:module';
import type { RawEvent, RawEventSource } from '../contract/activity';
import { EventTimeAnchor } from './event-time-anchor';
import { classifyKeyName } from './key-classes';
import { x11DisplayProblem } from './x11-display';

/** The slice of uiohook-napi's `uIOhook` singleton used here (tests drive a fake). */
export interface UiohookLike {
  on(event: 'input', listener: (e: UiohookInput) => void): unknown;
  removeListener(event: 'input', listener: (e: UiohookInput) => void): unknown;
  start(): void;
  stop(): void;
}

/** Fields of uiohook-napi's events that this file reads. */
export interface UiohookInput {
  type: number;
  time: number;
  keycode?: number;
  x?: number;
  y?: number;
}

// uiohook-napi EventType values (dist/index.d.ts); drag is a move with a button held and
// has no named event in uiohook-napi, so we listen to 'input' and switch ourselves.
const KEY_PRESSED = 4;
const KEY_RELEASED = 5;
const MOUSE_MOVED = 9;
const MOUSE_DRAGGED = 10;

/**
 * libuiohook virtual key code -> key name in key-classes.ts vocabulary. The only place a
 * key's identity exists: it is reduced to {category, zone} right here and never leaves.
 */
const KEY_NAMES: ReadonlyMap<number, string> = new Map<number, string>([
  ...[...'qwertyuiop'].map((c, i) => [0x10 + i, c] as [number, string]),
  ...[...'asdfghjkl'].map((c, i) => [0x1e + i, c] as [number, string]),
  ...[...'zxcvbnm'].map((c, i) => [0x2c + i, c] as [number, string]),
  ...[...'1234567890'].map((c, i) => [0x02 + i, c] as [number, string]),
  [0x39, 'space'],
  [0x0e, 'bksp'],
  [0x0f, 'tab'],
  [0x1c, 'enter'],
  [0x0e1c, 'enter'], // numpad enter
  [0x01, 'esc'],
  [0x3a, 'caps_lock'],
  [0x0c, '-'],
  [0x0d, '='],
  [0x1a, '['],
  [0x1b, ']'],
  [0x27, ';'],
  [0x28, "'"],
  [0x29, '`'],
  [0x2b, '\\'],
  [0x33, ','],
  [0x34, '.'],
  [0x35, '/'],
  [0x2a, 'shift'],
  [0x36, 'shift'],
  [0x1d, 'ctrl'],
  [0x0e1d, 'ctrl'],
  [0x38, 'alt'],
  [0x0e38, 'alt'],
  [0x0e5b, 'win'],
  [0x0e5c, 'win'],
  [0x0e5d, 'menu'],
  [0xe048, 'arw_up'],
  [0xe050, 'arw_down'],
  [0xe04b, 'arw_left'],
  [0xe04d, 'arw_right'],
  [0x0e47, 'home'],
  [0x0e4f, 'end'],
  [0x0e49, 'pg_up'],
  [0x0e51, 'pg_down'],
  [0x0e52, 'insert'],
  [0x0e53, 'delete'],
  [0x45, 'num_lk'],
  [0x46, 'scr_lk'],
  [0x0e37, 'print'],
  ...[0x52, 0x4f, 0x50, 0x51, 0x4b, 0x4c, 0x4d, 0x47, 0x48, 0x49].map((code, d) => [code, `num_${d}`] as [number, string]),
  ...[0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x57, 0x58].map((code, i) => [code, `f${i + 1}`] as [number, string]),
  ...[0x5b, 0x5c, 0x5d, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b].map((code, i) => [code, `f${i + 13}`] as [number, string]),
]);

function classifyKeycode(keycode: number) {
  // Numpad navigation (NumLock off) is 0xEE00 | the digit's code: an arrow/home/... key.
  if ((keycode & 0xff00) === 0xee00) return classifyKeyName('home');
  return classifyKeyName(KEY_NAMES.get(keycode) ?? '');
}

/**
 * A held key auto-repeats as more key-downs (no key-ups; measured on X11). A down for a key
 * we think is held, after this long without any down of it, means we missed its key-up
 * (e.g. the OS took the keyboard away): the old press is dropped and a new one starts.
 */
const STALE_HOLD_MS = 1_500;

export interface InputHookOptions {
  /**
   * Mouse moves closer together than this are coalesced; the last one is still delivered
   * (trailing), so the pointer's final position is never lost. Default 50 ms: 20 points a
   * second is plenty for a mean speed per window, and keeps a 1000 Hz mouse from flooding
   * the windower.
   */
  mouseIntervalMs?: number;
  /** Wall clock (epoch ms). */
  now?: () => number;
  /** Loads the hook. Default: uiohook-napi, required lazily on first start(). */
  load?: () => UiohookLike;
  /**
   * Says why the hook cannot start, or null. Default on Linux: x11DisplayProblem on
   * process.env.DISPLAY (libuiohook reads DISPLAY from the real environment when it
   * starts, so set it there, before start()).
   */
  displayProblem?: () => string | null;
  /** Where a failing consumer is reported (once per kind of failure). Default console.error. */
  log?: (message: string) => void;
}

/** uiohook-napi is one hook per process; a second running InputHook would steal its events. */
let running: InputHook | null = null;

/**
 * Keyboard and mouse, OS-wide, via uiohook-napi. Emits `key` events (at key-up, with the
 * press time as `down`) carrying only category and zone, and throttled `mouse-move` events.
 *
 * Timestamps: the event's own OS time mapped to epoch (EventTimeAnchor), so dwell and
 * flight keep the OS's precision; dwell is taken from the raw times of the pair, so it is
 * exact even if the anchor moves between down and up. Date.now() only when an event has
 * no time.
 */
export class InputHook implements RawEventSource {
  readonly name = 'input-hook';
  private readonly mouseIntervalMs: number;
  private readonly now: () => number;
  private readonly load: () => UiohookLike;
  private readonly displayProblem: () => string | null;
  private readonly log: (message: string) => void;

  private hook: UiohookLike | null = null;
  private emit: ((event: RawEvent) => void) | null = null;
  private anchor: EventTimeAnchor;
  /** keycode -> raw time of the press, epoch time of the press, raw time of the last repeat. */
  private held = new Map<number, { raw: number; epoch: number; lastSeen: number }>();
  private lastMoveAt = Number.NEGATIVE_INFINITY;
  private pendingMove: { t: number; x: number; y: number } | null = null;
  private moveTimer: ReturnType<typeof setTimeout> | null = null;
  private reported = new Set<string>();

  constructor(options: InputHookOptions = {}) {
    this.mouseIntervalMs = options.mouseIntervalMs ?? 50;
    this.now = options.now ?? Date.now;
    this.load = options.load ?? (() => loadUiohook());
    this.displayProblem =
      options.displayProblem ?? (() => (process.platform === 'linux' ? x11DisplayProblem(process.env.DISPLAY) : null));
    this.log = options.log ?? ((m) => console.error(m));
    this.anchor = new EventTimeAnchor(this.now);
  }

  start(emit: (event: RawEvent) => void): void {
    if (this.hook) return;
    if (running) throw new Error('input-hook: another InputHook is already running (uiohook-napi allows one per process)');
    const problem = this.displayProblem();
    if (problem) throw new Error(`input-hook: ${problem}`);
    const hook = this.load();
    this.emit = emit;
    this.anchor = new EventTimeAnchor(this.now);
    hook.on('input', this.onInput);
    try {
      hook.start();
    } catch (err) {
      hook.removeListener('input', this.onInput);
      this.emit = null;
      throw new Error(`input-hook: uiohook-napi failed to start: ${describe(err)}`, { cause: err });
    }
    this.hook = hook;
    running = this;
  }

  stop(): void {
    const hook = this.hook;
    if (!hook) return;
    this.hook = null;
    if (running === this) running = null;
    hook.removeListener('input', this.onInput);
    if (this.moveTimer) clearTimeout(this.moveTimer);
    this.moveTimer = null;
    this.pendingMove = null;
    this.held.clear();
    this.lastMoveAt = Number.NEGATIVE_INFINITY;
    this.emit = null;
    try {
      hook.stop();
    } catch (err) {
      this.log(`input-hook: uiohook-napi failed to stop: ${describe(err)}`);
    }
  }

  // An exception escaping into uiohook-napi's native callback aborts the process
  // (NAPI_FATAL_IF_FAILED), so nothing may be thrown from here.
  private readonly onInput = (e: UiohookInput): void => {
    try {
      switch (e.type) {
        case KEY_PRESSED:
          this.keyDown(e);
          break;
        case KEY_RELEASED:
          this.keyUp(e);
          break;
        case MOUSE_MOVED:
        case MOUSE_DRAGGED:
          this.mouseMove(e);
          break;
      }
    } catch (err) {
      this.reportOnce('consumer', `input-hook: an event was dropped because handling it failed: ${describe(err)}`);
    }
  };

  private keyDown(e: UiohookInput): void {
    const code = e.keycode ?? -1;
    const held = this.held.get(code);
    if (held && e.time - held.lastSeen <= STALE_HOLD_MS && e.time >= held.lastSeen) {
      held.lastSeen = e.time; // auto-repeat: one keystroke
      return;
    }
    this.held.set(code, { raw: e.time, epoch: this.anchor.toEpoch(e.time), lastSeen: e.time });
  }

  private keyUp(e: UiohookInput): void {
    const code = e.keycode ?? -1;
    const held = this.held.get(code);
    if (!held) return; // released before we started, or after a stale press: nothing to pair
    this.held.delete(code);
    const dwell = e.time >= held.raw ? e.time - held.raw : 0; // 0 only if the OS clock wrapped
    const { category, zone } = classifyKeycode(code);
    this.emit?.({ kind: 'key', sample: { category, zone, down: held.epoch, up: held.epoch + dwell } });
  }

  private mouseMove(e: UiohookInput): void {
    if (typeof e.x !== 'number' || typeof e.y !== 'number') return;
    const t = this.anchor.toEpoch(e.time);
    if (t - this.lastMoveAt >= this.mouseIntervalMs) {
      if (this.moveTimer) clearTimeout(this.moveTimer);
      this.moveTimer = null;
      this.pendingMove = null;
      this.sendMove({ t, x: e.x, y: e.y });
      return;
    }
    this.pendingMove = { t, x: e.x, y: e.y };
    if (!this.moveTimer) {
      const wait = Math.max(0, this.lastMoveAt + this.mouseIntervalMs - t);
      this.moveTimer = setTimeout(this.flushMove, wait);
      this.moveTimer.unref?.();
    }
  }

  private readonly flushMove = (): void => {
    this.moveTimer = null;
    const move = this.pendingMove;
    this.pendingMove = null;
    if (!move) return;
    try {
      this.sendMove(move);
    } catch (err) {
      this.reportOnce('consumer', `input-hook: a mouse move was dropped because handling it failed: ${describe(err)}`);
    }
  };

  private sendMove(move: { t: number; x: number; y: number }): void {
    this.lastMoveAt = move.t;
    this.emit?.({ kind: 'mouse-move', ...move });
  }

  private reportOnce(kind: string, message: string): void {
    if (this.reported.has(kind)) return;
    this.reported.add(kind);
    this.log(message);
  }
}

/** Lazy so that a missing or broken native build fails here, once, with the fix in the message. */
export function loadUiohook(moduleName = 'uiohook-napi'): UiohookLike {
  try {
    const require = createRequire(import.meta.url);
    const mod = require(moduleName) as { uIOhook?: UiohookLike };
    if (!mod.uIOhook) throw new Error('module has no uIOhook export');
    return mod.uIOhook;
  } catch (err) {
    throw new Error(
      `input-hook: the native module ${moduleName} could not be loaded (${describe(err)}). ` +
        'Keyboard and mouse capture needs its build for this platform and runtime: run ' +
        `\`npm rebuild ${moduleName}\` for Node, or \`npx electron-rebuild -f -w ${moduleName}\` for Electron.`,
      { cause: err },
    );
  }
}

/** First line only: require's messages append a multi-line require stack. */
function describe(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}
