import { describe, expect, it } from 'vitest';
import { ActivityWindower, DEFAULT_INACTIVITY_GAP_MS } from '../../../src-main/activity/activity-windower';
import { ActivityPackageSchema, type KeyCategory, type RawEvent } from '../../../src-main/contract/activity';

const key = (down: number, up: number, category: KeyCategory = 'letter', zone = 3): RawEvent => ({
  kind: 'key',
  sample: { category, zone, down, up },
});
const move = (t: number, x: number, y: number): RawEvent => ({ kind: 'mouse-move', t, x, y });

function windower(windowMs = 10_000, startAt = 0) {
  return new ActivityWindower({ sessionId: 's1', windowMs, startAt });
}

describe('ActivityWindower', () => {
  it('closes every elapsed window in order, empty ones included, and nothing early', () => {
    const w = windower(5_000, 1_000);
    expect(w.drain(5_999)).toEqual([]);
    const first = w.drain(10_999);
    expect(first.map((p) => [p.sequence, p.startedAt, p.endedAt])).toEqual([[0, 1_000, 6_000]]);
    const next = w.drain(16_000);
    expect(next.map((p) => [p.sequence, p.startedAt, p.endedAt])).toEqual([
      [1, 6_000, 11_000],
      [2, 11_000, 16_000],
    ]);
    for (const p of [...first, ...next]) {
      expect(ActivityPackageSchema.parse(p)).toEqual(p);
      expect(p.keystrokeCount).toBe(0);
      expect(p.cpuLoadPercent).toBeNull();
      expect(p.netRxBytesPerSec).toBeNull();
    }
    // Session start counts as activity: window 0 is quiet for exactly the 5 s gap, not more.
    expect(first[0]!.inactivityMs).toBe(0);
    expect(next.map((p) => p.inactivityMs)).toEqual([5_000, 5_000]);
  });

  it('carries on a resumed session\'s numbering without moving its windows', () => {
    const w = new ActivityWindower({ sessionId: 's', windowMs: 1000, startAt: 5000, firstSequence: 42 });
    w.push(key(5100, 5150));
    const pkgs = w.drain(7000);
    expect(pkgs.map((p) => [p.sequence, p.startedAt, p.endedAt, p.keystrokeCount])).toEqual([
      [42, 5000, 6000, 1],
      [43, 6000, 7000, 0],
    ]);
    expect(() => new ActivityWindower({ sessionId: 's', windowMs: 1000, startAt: 0, firstSequence: -1 })).toThrow(/firstSequence/);
  });

  it('computes dwell, flight and backspace ratio from keys pushed in any order', () => {
    const w = windower();
    // Pushed in release order, shuffled: the windower sorts by down.
    w.push(key(950, 1_040, 'space', 9));
    w.push(key(100, 180));
    w.push(key(530, 650, 'backspace', 13));
    w.push(key(280, 330));
    const [p] = w.drain(10_000);
    // dwells 80 50 120 90 -> mean 85, deviations -5 -35 35 5 -> var 625 -> std 25
    expect(p!.keystrokeCount).toBe(4);
    expect(p!.meanDwellMs).toBe(85);
    expect(p!.stdDwellMs).toBe(25);
    // flights 280-180=100, 530-330=200, 950-650=300 -> mean 200, std sqrt(20000/3)
    expect(p!.meanFlightMs).toBe(200);
    expect(p!.stdFlightMs).toBeCloseTo(Math.sqrt(20_000 / 3), 9);
    expect(p!.backspaceRatio).toBe(0.25);
    expect(p!.keystrokes.map((k) => k.down)).toEqual([100, 280, 530, 950]);
    expect(p!.keystrokes.map((k) => k.category)).toEqual(['letter', 'letter', 'backspace', 'space']);
  });

  it('a single key has a dwell and no flight', () => {
    const w = windower();
    w.push(key(100, 170));
    const [p] = w.drain(10_000);
    expect([p!.meanDwellMs, p!.stdDwellMs, p!.meanFlightMs, p!.stdFlightMs]).toEqual([70, 0, 0, 0]);
  });

  it('does not compute a flight across windows', () => {
    const w = windower(1_000);
    w.push(key(900, 950));
    w.push(key(1_100, 1_150));
    const [a, b] = w.drain(2_000);
    expect(a!.keystrokeCount).toBe(1);
    expect(b!.keystrokeCount).toBe(1);
    expect(a!.meanFlightMs).toBe(0);
    expect(b!.meanFlightMs).toBe(0);
  });

  it('assigns a key to the window of its down', () => {
    const w = windower(5_000);
    w.push(key(4_990, 5_060));
    const [a, b] = w.drain(10_000);
    expect(a!.keystrokeCount).toBe(1);
    expect(b!.keystrokeCount).toBe(0);
  });

  it('puts a late key into the open window with its true timing, never loses it', () => {
    const w = windower(5_000);
    expect(w.drain(15_000)).toHaveLength(3);
    // Pressed during window 0, which is long closed.
    w.push(key(4_990, 5_060));
    w.push(key(15_200, 15_300));
    const [p] = w.drain(20_000);
    expect(p!.sequence).toBe(3);
    expect(p!.keystrokeCount).toBe(2);
    expect(p!.keystrokes[0]).toEqual({ category: 'letter', zone: 3, down: 4_990, up: 5_060 });
    expect(p!.meanDwellMs).toBe(85); // (70 + 100) / 2
    expect(ActivityPackageSchema.safeParse(p).success).toBe(true);
  });

  it('keeps events from the future for their own window', () => {
    const w = windower(5_000);
    w.push(move(12_000, 1, 1));
    const first = w.drain(5_000);
    expect(first[0]!.mouseMoveCount).toBe(0);
    const rest = w.drain(15_000);
    expect(rest.map((p) => p.mouseMoveCount)).toEqual([0, 1]);
  });

  it('measures mouse speed as path length over moving time, leaving out rests', () => {
    const w = windower();
    w.push(move(1_000, 0, 0));
    w.push(move(1_100, 30, 40)); // 50 px in 100 ms
    w.push(move(1_300, 30, 100)); // 60 px in 200 ms
    w.push(move(8_000, 500, 500)); // 6.7 s later: a rest, not a 6.7 s motion
    const [p] = w.drain(10_000);
    expect(p!.mouseMoveCount).toBe(4);
    expect(p!.meanMouseSpeed).toBeCloseTo((110 / 300) * 1000, 9);
  });

  it('counts a mouse segment that crosses a window boundary in the later window', () => {
    const w = windower(5_000);
    w.push(move(4_900, 0, 0));
    w.push(move(5_100, 0, 100));
    const [a, b] = w.drain(10_000);
    expect(a!.meanMouseSpeed).toBe(0);
    expect(b!.meanMouseSpeed).toBe(500);
  });

  it('counts inactivity causally, after the gap, across windows', () => {
    expect(DEFAULT_INACTIVITY_GAP_MS).toBe(5_000);
    const w = windower();
    w.push(key(1_000, 1_100));
    w.push(move(2_000, 5, 5));
    w.push(move(12_000, 6, 6));
    const [a, b, c] = w.drain(30_000);
    expect(a!.inactivityMs).toBe(3_000); // idle from 2000 + 5000 to 10000
    expect(b!.inactivityMs).toBe(5_000); // 10000..12000, then 17000..20000
    expect(c!.inactivityMs).toBe(10_000);
  });

  it('does not count a key still held at the window end as silence in the next window', () => {
    const w = windower(5_000);
    w.push(key(4_000, 9_500)); // held across the boundary: its release is activity at 9500
    const [a, b, c] = w.drain(15_000);
    expect(a!.inactivityMs).toBe(0);
    expect(b!.inactivityMs).toBe(0);
    expect(c!.inactivityMs).toBe(500); // 14500..15000
  });

  it('accepts a custom inactivity gap', () => {
    const w = new ActivityWindower({ sessionId: 's', windowMs: 10_000, startAt: 0, inactivityGapMs: 1_000 });
    w.push(move(4_000, 0, 0));
    expect(w.drain(10_000)[0]!.inactivityMs).toBe(3_000 + 5_000); // 1000..4000, 5000..10000
  });

  it('counts focus losses and unfocused time, carrying the state across windows', () => {
    const w = windower();
    const focus = (t: number, focused: boolean): RawEvent => ({ kind: 'focus', t, focused });
    w.push(focus(1_000, false));
    w.push(focus(3_000, true));
    w.push(focus(8_000, false));
    w.push(focus(8_500, false)); // a repeat, not a second loss
    w.push(focus(12_000, true));
    const [a, b] = w.drain(20_000);
    expect(a!.focusLosses).toBe(2);
    expect(a!.unfocusedMs).toBe(2_000 + 2_000);
    expect(b!.focusLosses).toBe(0);
    expect(b!.unfocusedMs).toBe(2_000);
  });

  it('counts copies, pastes and external pastes', () => {
    const w = windower();
    w.push({ kind: 'clipboard', t: 10, action: 'copy', external: false });
    w.push({ kind: 'clipboard', t: 20, action: 'paste', external: true });
    w.push({ kind: 'clipboard', t: 30, action: 'paste', external: false });
    const [p] = w.drain(10_000);
    expect([p!.copyEvents, p!.pasteEvents, p!.externalPasteEvents]).toEqual([1, 2, 1]);
  });

  it('averages system samples and clamps rounding overshoot into the schema range', () => {
    const w = windower();
    const sys = (t: number, cpu: number, rx: number, tx: number): RawEvent => ({
      kind: 'system',
      t,
      cpuLoadPercent: cpu,
      netRxBytesPerSec: rx,
      netTxBytesPerSec: tx,
    });
    w.push(sys(1_000, 20, 1_000, 10));
    w.push(sys(6_000, 40, 3_000, 30));
    w.push(sys(12_000, 100.4, -1, 0));
    const [a, b] = w.drain(20_000);
    expect([a!.cpuLoadPercent, a!.netRxBytesPerSec, a!.netTxBytesPerSec]).toEqual([30, 2_000, 20]);
    expect([b!.cpuLoadPercent, b!.netRxBytesPerSec, b!.netTxBytesPerSec]).toEqual([100, 0, 0]);
    expect(ActivityPackageSchema.safeParse(b).success).toBe(true);
  });

  it('rejects malformed events with a clear error and keeps nothing of them', () => {
    const w = windower();
    expect(() => w.push(key(200, 100))).toThrow(/up \(100\) before down \(200\)/);
    expect(() => w.push(key(Number.NaN, 100))).toThrow(RangeError);
    expect(() => w.push(move(10, Number.POSITIVE_INFINITY, 0))).toThrow(/mouse-move/);
    expect(() => w.push({ kind: 'focus', t: Number.NaN, focused: false })).toThrow(RangeError);
    expect(() => w.push({ kind: 'bogus', t: 1 } as unknown as RawEvent)).toThrow(/unknown event kind "bogus"/);
    const [p] = w.drain(10_000);
    expect([p!.keystrokeCount, p!.mouseMoveCount, p!.focusLosses]).toEqual([0, 0, 0]);
  });

  it('refuses to drain to a non-finite time instead of looping forever', () => {
    const w = windower();
    expect(() => w.drain(Number.POSITIVE_INFINITY)).toThrow(/finite/);
    expect(() => w.drain(Number.NaN)).toThrow(/finite/);
    expect(w.drain(10_000)[0]!.sequence).toBe(0);
  });

  it('rejects bad options', () => {
    expect(() => new ActivityWindower({ sessionId: '', windowMs: 5, startAt: 0 })).toThrow(/sessionId/);
    expect(() => new ActivityWindower({ sessionId: 's', windowMs: 0, startAt: 0 })).toThrow(/windowMs/);
    expect(() => new ActivityWindower({ sessionId: 's', windowMs: 5, startAt: Number.NaN })).toThrow(/startAt/);
  });

  it('replays an hour of windows without drift', () => {
    const start = 1_700_000_000_123;
    const w = windower(5_000, start);
    for (let i = 0; i < 720; i++) w.push(key(start + i * 5_000 + 10, start + i * 5_000 + 90));
    const out = w.drain(start + 3_600_000);
    expect(out).toHaveLength(720);
    out.forEach((p, i) => {
      expect(p.sequence).toBe(i);
      expect(p.startedAt).toBe(start + i * 5_000);
      expect(p.keystrokeCount).toBe(1);
    });
  });
});
