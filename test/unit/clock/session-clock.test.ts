import { describe, expect, it } from 'vitest';
import { SessionClock } from '../../../src-main/clock/session-clock';
import { JumpingScheduler } from './jumping-scheduler';

const HOUR = 3_600_000;

describe('SessionClock', () => {
  it('a clock set back an hour neither adds an hour to the countdown nor to session time', () => {
    const clock = new JumpingScheduler();
    const t0 = clock.now();
    const session = new SessionClock(clock, 45 * 60_000);
    clock.advance(10 * 60_000);
    clock.jumpWall(-HOUR);
    expect(session.remainingMs()).toBe(35 * 60_000);
    // The page compares the deadline with its own (jumped) wall clock.
    expect(session.deadlineWall() - clock.now()).toBe(35 * 60_000);
    expect(session.now()).toBe(t0 + 10 * 60_000);
    expect(session.checkJump()).toMatchObject({ sizeMs: -HOUR });
  });

  it('maps wall-stamped events onto session time, and never into the future', () => {
    const clock = new JumpingScheduler();
    const session = new SessionClock(clock, HOUR);
    clock.advance(5_000);
    clock.jumpWall(HOUR);
    const wall = clock.now();
    expect(session.toSessionTime({ kind: 'focus', t: wall - 100, focused: false })).toEqual({ kind: 'focus', t: session.now() - 100, focused: false });
    const key = session.toSessionTime({ kind: 'key', sample: { category: 'letter', zone: 1, down: wall - 300, up: wall - 200 } });
    expect(key).toEqual({ kind: 'key', sample: { category: 'letter', zone: 1, down: session.now() - 300, up: session.now() - 200 } });
    // Stamped on the old (later) wall clock, delivered after a jump back: taken as now.
    clock.jumpWall(-2 * HOUR);
    expect(session.toSessionTime({ kind: 'mouse-move', t: wall, x: 1, y: 2 })).toEqual({ kind: 'mouse-move', t: session.now(), x: 1, y: 2 });
  });

  it('time is up after the duration of monotonic time, or sooner when the clock is set forward', () => {
    const clock = new JumpingScheduler();
    const session = new SessionClock(clock, 10 * 60_000);
    clock.advance(9 * 60_000);
    expect(session.timeUp()).toBe(false);
    clock.jumpWall(HOUR);
    expect(session.timeUp()).toBe(true);
  });
});
