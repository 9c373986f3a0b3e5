import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../../src-main/session/virtual-scheduler';

describe('VirtualScheduler', () => {
  it('fires timers in due order, each at its own time', () => {
    const s = new VirtualScheduler(1000);
    const seen: string[] = [];
    s.every(300, () => seen.push(`tick@${s.now()}`));
    s.after(500, () => seen.push(`once@${s.now()}`));
    s.advanceTo(2000);
    expect(seen).toEqual(['tick@1300', 'once@1500', 'tick@1600', 'tick@1900']);
    expect(s.now()).toBe(2000);
  });

  it('cancels', () => {
    const s = new VirtualScheduler();
    let n = 0;
    const cancel = s.every(10, () => n++);
    s.advanceBy(35);
    cancel();
    s.advanceBy(100);
    expect(n).toBe(3);
  });

  it('lets a timer cancel itself while firing', () => {
    const s = new VirtualScheduler();
    let n = 0;
    const cancel = s.every(10, () => {
      n++;
      if (n === 2) cancel();
    });
    s.advanceBy(100);
    expect(n).toBe(2);
  });
});
