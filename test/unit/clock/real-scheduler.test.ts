import { expect, it } from 'vitest';
import { createRealScheduler } from '../../../src-main/clock/real-scheduler';

it('runs timers on the wall clock and cancels them', async () => {
  const s = createRealScheduler();
  const start = s.now();
  expect(Math.abs(start - Date.now())).toBeLessThan(5);
  let ticks = 0;
  let once = 0;
  const stopEvery = s.every(10, () => ticks++);
  s.after(15, () => once++);
  const cancelled = s.after(15, () => once += 100);
  cancelled();
  await new Promise((r) => setTimeout(r, 60));
  stopEvery();
  const seen = ticks;
  await new Promise((r) => setTimeout(r, 40));
  expect(seen).toBeGreaterThanOrEqual(3);
  expect(ticks).toBe(seen);
  expect(once).toBe(1);
});

it('reads a monotonic clock beside the wall clock, for what must not jump', async () => {
  const s = createRealScheduler();
  const a = s.monotonic!();
  await new Promise((r) => setTimeout(r, 20));
  const b = s.monotonic!();
  expect(b - a).toBeGreaterThanOrEqual(15);
  expect(Math.abs(b - performance.now())).toBeLessThan(5);
});
