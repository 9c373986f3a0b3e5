/**
 * The wait after wrong proctor passwords, shared by the quit guard (session/quit-guard.ts)
 * and the review's sign-in (review/proctor-gate.ts): each wrong password in a row doubles
 * the wait before the next one is checked. scrypt makes one guess slow; this makes many
 * guesses slow. Where the count is kept across restarts is up to each caller (the attempt's
 * audit log for the quit, the sign-in log for the review), never a file of its own.
 */

/** The longest wait: long enough to make guessing slow, short enough for a proctor who mistyped. */
export const MAX_RETRY_DELAY_MS = 5 * 60_000;

/** Wrong passwords in a row, and when the last one was typed. */
export interface FailureRecord {
  failures: number;
  lastFailureAt: number | null;
}

export const NO_FAILURES: FailureRecord = { failures: 0, lastFailureAt: null };

/** The wait after `failures` wrong passwords in a row: 1 s, 2 s, 4 s, … up to five minutes. */
export function retryDelayMs(failures: number): number {
  return failures <= 0 ? 0 : Math.min(1000 * 2 ** (failures - 1), MAX_RETRY_DELAY_MS);
}

/** When the next password may be checked; 0 when at once. */
export function nextTryAt(record: FailureRecord): number {
  return record.lastFailureAt === null ? 0 : record.lastFailureAt + retryDelayMs(record.failures);
}

/**
 * How long a try at `now` must still wait; 0 when it may be checked. Never more than the
 * wait itself: a clock set back must not lock the proctor out for hours.
 */
export function waitMs(record: FailureRecord, now: number): number {
  return Math.min(retryDelayMs(record.failures), Math.max(0, nextTryAt(record) - now));
}

export function afterFailure(record: FailureRecord, at: number): FailureRecord {
  return { failures: record.failures + 1, lastFailureAt: at };
}

/** A wait as people read it: "3 s" below a minute and a half, whole minutes above. */
export function waitText(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s < 90 ? `${s} s` : `${Math.ceil(s / 60)} min`;
}
