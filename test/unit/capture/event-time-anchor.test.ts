import { describe, expect, it } from 'vitest';
import { EventTimeAnchor } from '../../../src-main/capture/event-time-anchor';

describe('EventTimeAnchor', () => {
  it('keeps intervals exact when events arrive in a burst', () => {
    let now = 10_000;
    const a = new EventTimeAnchor(() => now);
    expect(a.toEpoch(500)).toBe(10_000); // on time: offset 9500
    now = 12_000; // the thread was blocked; three events arrive together
    expect([a.toEpoch(700), a.toEpoch(780), a.toEpoch(1_400)]).toEqual([10_200, 10_280, 10_900]);
  });

  it('keeps the offset through a stall shorter than the late tolerance', () => {
    let now = 10_000;
    const a = new EventTimeAnchor(() => now, 1_000, 5_000);
    a.toEpoch(500);
    now = 14_000; // delivered 3.5 s late
    expect(a.toEpoch(1_000)).toBe(10_500);
  });

  it('re-anchors when the first event came late and later ones would lie in the future', () => {
    let now = 12_000;
    const a = new EventTimeAnchor(() => now, 1_000);
    expect(a.toEpoch(500)).toBe(12_000); // really happened at 10_000, delivered 2 s late
    now = 12_100;
    expect(a.toEpoch(2_600)).toBe(12_100); // would be 14_100, 2 s in the future: re-anchored
    now = 12_200;
    expect(a.toEpoch(2_650)).toBe(12_150);
  });

  it('re-anchors after a wall-clock jump, a resume or a native clock reset', () => {
    let now = 10_000;
    const a = new EventTimeAnchor(() => now, 1_000, 5_000);
    a.toEpoch(500);
    now = 1_000_000; // wall clock set forward / resumed from suspend
    expect(a.toEpoch(600)).toBe(1_000_000);
    now = 1_500_000;
    expect(a.toEpoch(500_600)).toBe(1_500_000);
    now = 1_500_100; // native clock restarted near 0 (X server restart, 32-bit wrap)
    expect(a.toEpoch(5)).toBe(1_500_100);
    now = 1_500_200;
    expect(a.toEpoch(100)).toBe(1_500_195);
  });

  it('falls back to the wall clock for an event without a usable time', () => {
    const a = new EventTimeAnchor(() => 42);
    expect(a.toEpoch(0)).toBe(42);
    expect(a.toEpoch(Number.NaN)).toBe(42);
  });
});
