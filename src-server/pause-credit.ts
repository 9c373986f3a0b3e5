import type { AttemptRecord, StoredProctorOrder } from './storage';

/**
 * How much the deadline moves when a proctor's pause ends: the time the pause was in force
 * while the exam's time ran (from the first lock not yet undone, or from the exam's start if
 * that came later, to `now`). The student's clock stops while they are held, so they get it
 * back; it is the server's deadline that moves, in a signed order, so nothing the client
 * says makes a pause longer. A pause that began after the deadline gives nothing back: the
 * time was already over. No pause in force (an unlock on its own): nothing.
 */
export function pauseCredit(attempt: AttemptRecord, orders: readonly StoredProctorOrder[], now: number): number {
  if (attempt.examStartedAt === null) return 0;
  const since = holdSince(orders);
  if (since === null) return 0;
  const from = Math.max(since, attempt.examStartedAt);
  if (from >= attempt.deadline) return 0;
  return Math.max(0, now - from);
}

/** When the pause in force began (the first lock after the last unlock); null when none is. */
export function holdSince(orders: readonly StoredProctorOrder[]): number | null {
  let since: number | null = null;
  for (const { signed } of orders) {
    const o = signed.order;
    if (o.action === 'lock') since ??= o.issuedAt;
    else if (o.action === 'unlock') since = null;
  }
  return since;
}
