import { describe, expect, it } from 'vitest';
import type { FocusTarget } from '../../../src-main/contract/integrity';
import { DepartureTracker } from '../../../src-main/detection/departure-tracker';

const firefox: FocusTarget = { kind: 'unknown_app', name: 'firefox' };
const chatgpt: FocusTarget = { kind: 'prohibited_app', name: 'chatgpt', category: 'ai_assistant' };
const notify: FocusTarget = { kind: 'system_surface', surface: 'notification', name: 'dunst' };

describe('DepartureTracker (one departure however many sources see it)', () => {
  it('a page blur and an OS foreground change are one departure, ending when both say the exam is back', () => {
    const t = new DepartureTracker(1500);
    expect(t.foreground(firefox, 1000)).toBeNull();
    expect(t.page(false, 1010)).toBeNull();
    expect(t.foreground(null, 4000)).toBeNull(); // the page has not said it is back yet
    expect(t.page(true, 4005)).toEqual({ from: 1000, to: 4005, target: firefox, seenBy: ['os', 'page'] });
    expect(t.away).toBe(false);
  });

  it('the page alone cannot say where focus went; the OS can, even after the blur', () => {
    const t = new DepartureTracker(1500);
    t.page(false, 0);
    t.foreground(notify, 30);
    expect(t.page(true, 2000)).toMatchObject({ target: notify });
  });

  it('the most telling target seen while away wins (Alt+Tab through a prohibited app)', () => {
    const t = new DepartureTracker(1500);
    t.page(false, 0);
    t.foreground(firefox, 10);
    t.foreground(chatgpt, 500);
    t.foreground(notify, 900);
    expect(t.page(true, 3000)).toMatchObject({ target: chatgpt });
  });

  it('a screen lock right after the blur is the lock; a lock after real time away does not excuse that time', () => {
    const quick = new DepartureTracker(1500);
    quick.page(false, 0);
    expect(quick.screenLock(true, 40)).toBeNull();
    quick.screenLock(false, 600_000);
    expect(quick.page(true, 600_100)).toMatchObject({ from: 0, target: { kind: 'system_surface', surface: 'screen_lock' } });

    const late = new DepartureTracker(1500);
    late.foreground(firefox, 0);
    late.page(false, 5);
    expect(late.screenLock(true, 30_000)).toEqual({ from: 0, to: 30_000, target: firefox, seenBy: ['os', 'page'] });
    late.screenLock(false, 90_000);
    expect(late.page(true, 90_100)).toMatchObject({ from: 30_000, target: { surface: 'screen_lock' } });
  });

  it('a return at the very moment an absence was settled adds no empty second departure', () => {
    const t = new DepartureTracker(1500);
    t.page(false, 0);
    expect(t.settle(15_000)).toMatchObject({ from: 0, to: 15_000 });
    expect(t.page(true, 15_000)).toBeNull();
    expect(t.awaySince).toBeNull();
    // A later absence is its own departure again.
    t.page(false, 20_000);
    expect(t.page(true, 21_000)).toMatchObject({ from: 20_000, to: 21_000 });
  });

  it('settle closes the open part and keeps the student away from then on', () => {
    const t = new DepartureTracker(1500);
    t.page(false, 0);
    expect(t.settle(60_000)).toMatchObject({ from: 0, to: 60_000 });
    expect(t.awaySince).toBe(60_000);
    expect(t.page(true, 70_000)).toMatchObject({ from: 60_000, to: 70_000 });
    expect(t.settle(80_000)).toBeNull();
  });

  it('a return without a departure is nothing', () => {
    const t = new DepartureTracker(1500);
    expect(t.page(true, 5)).toBeNull();
    expect(t.foreground(null, 6)).toBeNull();
    expect(t.screenLock(false, 7)).toBeNull();
  });
});
