import { describe, expect, it } from 'vitest';
import { EventTimeAnchor } from '../../../src-main/capture/event-time-anchor';

describe('EventTimeAnchor', () => {
  it('keeps the smallest delivery delay as the offset', () => {
    let now = 10_000;
    const a = new EventTimeAnchor(() => now);
    expect(a.toEpoch(500)).toBe(10_000); // offset 9500
    now = 10_700;
    expect(a.toEpoch(1_000)).toBe(10_500); // delivered 200 ms late: offset kept
    now = 10_950;
    expect(a.toEpoch(1_500)).toBe(10_950); // delivered sooner than ever: offset 9450
    expect(a.toEpoch(1_000)).toBe(10_450);
  });

  it('re-anchors after a wall-clock jump or a native clock reset', () => {
    let now = 10_000;
    const a = new EventTimeAnchor(() => now, 2_000);
    a.toEpoch(500);
    now = 1_000_000; // wall clock set forward
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
