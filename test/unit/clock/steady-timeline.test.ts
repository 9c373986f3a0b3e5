import { describe, expect, it } from 'vitest';
import { ExamElapsed } from '../../../src-main/clock/exam-elapsed';
import { SteadyTimeline } from '../../../src-main/clock/steady-timeline';
import { JumpingScheduler } from './jumping-scheduler';

const HOUR = 3_600_000;

describe('SteadyTimeline', () => {
  it('starts at the wall time and advances only with the monotonic clock', () => {
    const clock = new JumpingScheduler();
    const t0 = clock.now();
    const timeline = new SteadyTimeline(clock);
    clock.advance(5_000);
    expect(timeline.now()).toBe(t0 + 5_000);
    clock.jumpWall(HOUR);
    expect(timeline.now()).toBe(t0 + 5_000);
    expect(timeline.wall()).toBe(t0 + 5_000 + HOUR);
    clock.jumpWall(-2 * HOUR);
    clock.advance(1_000);
    expect(timeline.now()).toBe(t0 + 6_000);
  });

  it('reports each jump once, with from, to and size, and ignores steps within the tolerance', () => {
    const clock = new JumpingScheduler();
    const timeline = new SteadyTimeline(clock, 2_000);
    clock.advance(10_000);
    clock.jumpWall(1_500);
    expect(timeline.checkJump()).toBeNull();
    clock.jumpWall(-HOUR);
    // Small steps below the tolerance are not lost: they add to the next reported jump.
    expect(timeline.checkJump()).toEqual({ from: timeline.now(), to: clock.now(), sizeMs: -HOUR + 1_500 });
    expect(timeline.checkJump()).toBeNull();
    clock.advance(1_000);
    clock.jumpWall(HOUR);
    expect(timeline.checkJump()).toMatchObject({ sizeMs: HOUR });
  });

  it('notBeforeWall never goes back and is never behind the wall clock', () => {
    const clock = new JumpingScheduler();
    const timeline = new SteadyTimeline(clock);
    const readings: number[] = [];
    for (const jump of [0, HOUR, -HOUR, -HOUR, 30_000, 2 * HOUR]) {
      clock.jumpWall(jump);
      clock.advance(1_000);
      const r = timeline.notBeforeWall();
      expect(r).toBeGreaterThanOrEqual(clock.now());
      readings.push(r);
    }
    expect(readings).toEqual([...readings].sort((a, b) => a - b));
  });
});

describe('ExamElapsed', () => {
  it('a wall clock set back does not give time back; one set forward (or a sleep) counts as time passed', () => {
    const clock = new JumpingScheduler();
    const elapsed = new ExamElapsed(clock);
    clock.advance(60_000);
    expect(elapsed.elapsedMs()).toBe(60_000);
    clock.jumpWall(-HOUR);
    clock.advance(60_000);
    expect(elapsed.elapsedMs()).toBe(120_000);
    clock.jumpWall(10 * 60_000);
    clock.advance(1_000);
    expect(elapsed.elapsedMs()).toBe(121_000 + 10 * 60_000);
  });

  it('resumes after a restart: downtime counts, a clock set back while closed grants nothing', () => {
    const clock = new JumpingScheduler();
    const first = new ExamElapsed(clock);
    clock.advance(30 * 60_000);
    const saved = first.record();
    clock.advance(5 * 60_000); // app closed five minutes
    expect(new ExamElapsed(clock, saved).elapsedMs()).toBe(35 * 60_000);
    clock.jumpWall(-HOUR); // ... and the clock set back an hour before reopening
    expect(new ExamElapsed(clock, saved).elapsedMs()).toBe(30 * 60_000);
    expect(() => new ExamElapsed(clock, { elapsedMs: Number.NaN, wallAt: 0 })).toThrow(/non-negative/);
  });
});
