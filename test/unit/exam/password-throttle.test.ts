import { describe, expect, it } from 'vitest';
import { MAX_RETRY_DELAY_MS, NO_FAILURES, afterFailure, nextTryAt, retryDelayMs, waitMs, waitText } from '../../../src-main/exam/password-throttle';
import { afterCloseAttempt } from '../../../src-main/session/quit-guard';

describe('the wait after wrong proctor passwords (shared by the quit guard and the review gate)', () => {
  it('doubles from one second and stops at five minutes', () => {
    expect([0, 1, 2, 3, 9, 10, 40].map(retryDelayMs)).toEqual([0, 1000, 2000, 4000, 256_000, MAX_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS]);
  });

  it('counts from the last wrong password', () => {
    const two = afterFailure(afterFailure(NO_FAILURES, 10_000), 20_000);
    expect(two).toEqual({ failures: 2, lastFailureAt: 20_000 });
    expect(nextTryAt(two)).toBe(22_000);
    expect(waitMs(two, 21_000)).toBe(1000);
    expect(waitMs(two, 25_000)).toBe(0);
    expect(waitMs(NO_FAILURES, 0)).toBe(0);
    // A clock set back: the wait is never longer than the wait itself.
    expect(waitMs(two, 20_000 - 3600_000)).toBe(2000);
  });

  it('reads close_attempt rows: wrong ones count, the right one resets, unchecked ones change nothing', () => {
    let r = NO_FAILURES;
    r = afterCloseAttempt(r, { at: 1, outcome: 'wrong_password' });
    r = afterCloseAttempt(r, { at: 2, outcome: 'too_soon' });
    r = afterCloseAttempt(r, { at: 3, outcome: 'refused' });
    r = afterCloseAttempt(r, { at: 4, outcome: 'allowed_submitted' });
    expect(r).toEqual({ failures: 1, lastFailureAt: 1 });
    r = afterCloseAttempt(r, { at: 5, outcome: 'wrong_password' });
    expect(r).toEqual({ failures: 2, lastFailureAt: 5 });
    expect(afterCloseAttempt(r, { at: 6, outcome: 'allowed_password' })).toEqual(NO_FAILURES);
  });

  it('says the wait in seconds, then whole minutes', () => {
    expect(waitText(1)).toBe('1 s');
    expect(waitText(4000)).toBe('4 s');
    expect(waitText(89_000)).toBe('89 s');
    expect(waitText(128_000)).toBe('3 min');
  });
});
