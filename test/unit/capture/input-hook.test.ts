import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { classifyKeyName } from '../../../src-main/capture/key-classes';
import type { RawEvent } from '../../../src-main/contract/activity';
import { InputHook, loadUiohook, type UiohookInput, type UiohookLike } from '../../../src-main/capture/input-hook';

/** Stands in for uiohook-napi's singleton: the test fires 'input' events by hand. */
class FakeHook extends EventEmitter implements UiohookLike {
  started = 0;
  stopped = 0;
  failStart: Error | null = null;
  start(): void {
    if (this.failStart) throw this.failStart;
    this.started++;
  }
  stop(): void {
    this.stopped++;
  }
  fire(e: UiohookInput): void {
    this.emit('input', e);
  }
  down(keycode: number, time: number): void {
    this.fire({ type: 4, keycode, time });
  }
  up(keycode: number, time: number): void {
    this.fire({ type: 5, keycode, time });
  }
  move(x: number, y: number, time: number, type = 9): void {
    this.fire({ type, x, y, time });
  }
}

const EPOCH = 1_700_000_000_000;
const H = 0x23;
const SPACE = 0x39;

let hooks: InputHook[] = [];
afterEach(() => {
  for (const h of hooks) h.stop();
  hooks = [];
  vi.useRealTimers();
});

/** The fake wall clock reads EPOCH + the raw time of the event being delivered + `lag`. */
function setup(opts: { lag?: number; mouseIntervalMs?: number } = {}) {
  const fake = new FakeHook();
  let raw = 0;
  const events: RawEvent[] = [];
  const logs: string[] = [];
  const hook = new InputHook({
    load: () => fake,
    now: () => EPOCH + raw + (opts.lag ?? 0),
    displayProblem: () => null,
    log: (m) => logs.push(m),
    ...(opts.mouseIntervalMs !== undefined ? { mouseIntervalMs: opts.mouseIntervalMs } : {}),
  });
  hooks.push(hook);
  hook.start((e) => events.push(e));
  const at = (time: number) => {
    raw = time;
  };
  return { fake, hook, events, logs, at };
}

describe('InputHook', () => {
  it('pairs key down and up into a sample with category and zone only', () => {
    const { fake, events, at } = setup();
    at(1_000);
    fake.down(H, 1_000);
    at(1_090);
    fake.up(H, 1_090);
    expect(events).toEqual([{ kind: 'key', sample: { ...classifyKeyName('h'), down: EPOCH + 1_000, up: EPOCH + 1_090 } }]);
    // Nothing else travels: no key code, no name, no character.
    expect(Object.keys(events[0]!)).toEqual(['kind', 'sample']);
    expect(Object.keys((events[0] as Extract<RawEvent, { kind: 'key' }>).sample).sort()).toEqual(['category', 'down', 'up', 'zone']);
  });

  it('counts a key held with auto-repeat once, with its full dwell', () => {
    const { fake, events } = setup();
    fake.down(H, 1_000);
    for (let t = 1_500; t <= 2_000; t += 40) fake.down(H, t);
    fake.up(H, 2_010);
    expect(events).toHaveLength(1);
    const k = events[0] as Extract<RawEvent, { kind: 'key' }>;
    expect(k.sample.up - k.sample.down).toBe(1_010);
  });

  it('ignores a key-up without its key-down', () => {
    const { fake, events } = setup();
    fake.up(H, 1_000);
    fake.down(SPACE, 1_100);
    fake.up(SPACE, 1_150);
    fake.up(SPACE, 1_160);
    expect(events).toHaveLength(1);
  });

  it('treats a press after a long silence of a "held" key as a new press (missed key-up)', () => {
    const { fake, events } = setup();
    fake.down(H, 1_000); // its key-up never arrives
    fake.down(H, 9_000);
    fake.up(H, 9_080);
    expect(events).toHaveLength(1);
    const k = events[0] as Extract<RawEvent, { kind: 'key' }>;
    expect(k.sample.up - k.sample.down).toBe(80);
  });

  it('classifies keys through key-classes', () => {
    const { fake, events } = setup();
    const codes = [SPACE, 0x0e, 0x2a, 0x0b, 0xe04b, 0xee4f, 0x34, 0x7777];
    codes.forEach((c, i) => {
      fake.down(c, 100 + i * 10);
      fake.up(c, 105 + i * 10);
    });
    // The names are key-classes.ts's vocabulary; the zones are whatever it assigns them.
    const expected = ['space', 'bksp', 'shift', '0', 'arw_left', 'home', '.', ''].map((name) => classifyKeyName(name));
    expect(events.map((e) => (e.kind === 'key' ? { category: e.sample.category, zone: e.sample.zone } : null))).toEqual(expected);
    expect(expected.map((c) => c.category)).toEqual(['space', 'backspace', 'modifier', 'digit', 'navigation', 'navigation', 'other', 'other']);
  });

  it('keeps dwell from the native times even when delivery is late and bursty', () => {
    const { fake, events, at } = setup();
    at(1_000);
    fake.down(H, 1_000); // delivered on time: anchors the offset
    at(3_000); // the next two arrive 2 s late, together
    fake.down(SPACE, 1_200);
    fake.up(SPACE, 1_260);
    fake.up(H, 1_300);
    const [space, h] = events as Extract<RawEvent, { kind: 'key' }>[];
    expect(space!.sample).toMatchObject({ down: EPOCH + 1_200, up: EPOCH + 1_260 });
    expect(h!.sample).toMatchObject({ down: EPOCH + 1_000, up: EPOCH + 1_300 });
  });

  it('throttles mouse moves and still delivers the last position', () => {
    vi.useFakeTimers();
    const { fake, events, at } = setup({ mouseIntervalMs: 50 });
    for (const t of [0, 10, 20, 30, 60, 70]) {
      at(t);
      fake.move(t, t * 2, t + 1); // EPOCH-anchored at t
    }
    expect(events.map((e) => (e.kind === 'mouse-move' ? e.t - EPOCH : -1))).toEqual([0, 60]);
    vi.advanceTimersByTime(100);
    expect(events.map((e) => (e.kind === 'mouse-move' ? [e.t - EPOCH, e.x] : -1))).toEqual([
      [0, 0],
      [60, 60],
      [70, 70],
    ]);
  });

  it('treats a drag as a move', () => {
    const { fake, events } = setup();
    fake.move(5, 6, 100, 10);
    expect(events).toMatchObject([{ kind: 'mouse-move', x: 5, y: 6 }]);
  });

  it('never lets a consumer error escape into the native callback, and says so once', () => {
    const fake = new FakeHook();
    const logs: string[] = [];
    const hook = new InputHook({ load: () => fake, displayProblem: () => null, log: (m) => logs.push(m) });
    hooks.push(hook);
    hook.start(() => {
      throw new Error('windower rejected it');
    });
    expect(() => {
      fake.down(H, 10);
      fake.up(H, 20);
      fake.down(H, 30);
      fake.up(H, 40);
    }).not.toThrow();
    expect(logs).toEqual(['input-hook: an event was dropped because handling it failed: windower rejected it']);
  });

  it('stops delivering after stop() and stops the native hook', () => {
    const { fake, hook, events } = setup();
    hook.stop();
    fake.down(H, 10);
    fake.up(H, 20);
    expect(events).toEqual([]);
    expect(fake.stopped).toBe(1);
    expect(fake.listenerCount('input')).toBe(0);
    hook.stop();
    expect(fake.stopped).toBe(1);
  });

  it('allows one running hook per process', () => {
    const { hook } = setup();
    const other = new InputHook({ load: () => new FakeHook(), displayProblem: () => null });
    hooks.push(other);
    expect(() => other.start(() => {})).toThrow(/already running/);
    hook.stop();
    expect(() => other.start(() => {})).not.toThrow();
  });

  it('refuses to start without a usable display, before loading the native module', () => {
    const load = vi.fn(() => new FakeHook());
    const hook = new InputHook({ load, displayProblem: () => 'DISPLAY is not set: x' });
    expect(() => hook.start(() => {})).toThrow('input-hook: DISPLAY is not set: x');
    expect(load).not.toHaveBeenCalled();
  });

  it('wraps a native start failure and leaves no listener behind', () => {
    const fake = new FakeHook();
    fake.failStart = new Error('Failed to open X11 display.');
    const hook = new InputHook({ load: () => fake, displayProblem: () => null });
    expect(() => hook.start(() => {})).toThrow(/uiohook-napi failed to start: Failed to open X11 display/);
    expect(fake.listenerCount('input')).toBe(0);
    // Not left marked as running: a later hook may start.
    const ok = new InputHook({ load: () => new FakeHook(), displayProblem: () => null });
    hooks.push(ok);
    expect(() => ok.start(() => {})).not.toThrow();
  });

  it('names the module and the fix when the native module cannot be loaded', () => {
    expect(() => loadUiohook('uiohook-napi-not-installed')).toThrow(
      /native module uiohook-napi-not-installed could not be loaded .*npm rebuild uiohook-napi-not-installed.*electron-rebuild/,
    );
  });
});
