import { describe, expect, it } from 'vitest';
import { FakeClock } from '../fake-clock';

describe('FakeClock', () => {
  it('fires timers in due order, each at its own time', () => {
    const s = new FakeClock(1000);
    const seen: string[] = [];
    s.every(300, () => seen.push(`tick@${s.now()}`));
    s.after(500, () => seen.push(`once@${s.now()}`));
    s.advanceTo(2000);
    expect(seen).toEqual(['tick@1300', 'once@1500', 'tick@1600', 'tick@1900']);
    expect(s.now()).toBe(2000);
  });

  it('cancels', () => {
    const s = new FakeClock();
    let n = 0;
    const cancel = s.every(10, () => n++);
    s.advanceBy(35);
    cancel();
    s.advanceBy(100);
    expect(n).toBe(3);
  });

  it('lets a timer cancel itself while firing', () => {
    const s = new FakeClock();
    let n = 0;
    const cancel = s.every(10, () => {
      n++;
      if (n === 2) cancel();
    });
    s.advanceBy(100);
    expect(n).toBe(2);
  });

  it('counts the timers still set, so a test can prove a component stopped its own', () => {
    const s = new FakeClock();
    const cancel = s.every(10, () => undefined);
    s.after(5, () => undefined);
    expect(s.liveTimers()).toBe(2);
    s.advanceBy(5);
    expect(s.liveTimers()).toBe(1);
    cancel();
    expect(s.liveTimers()).toBe(0);
  });
});
