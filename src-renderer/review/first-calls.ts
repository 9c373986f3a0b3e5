import type { Result } from '../../src-main/contract/result';
import type { AttemptForPage } from '../../src-main/contract/review';
import type { ReviewAccessState } from '../../src-main/contract/review-access';
import { call, callAccess } from './review-api';

/**
 * The page's first two calls, made as soon as its script runs rather than after the first
 * renders: reading a long attempt is most of the wait for its timeline. The access check goes
 * first, so main answers it before it starts reading and the page renders meanwhile. Main's
 * gate still refuses the attempt until a proctor has signed in; then it is asked again.
 */
let access: Promise<Result<ReviewAccessState>> | null = null;
let attempt: { id: string; reply: Promise<Result<AttemptForPage>> } | null = null;

/** Starts both calls; `id` is the attempt in the page's address, if any. */
export function startFirstCalls(id: string | null): void {
  access = callAccess('reviewAccess', {});
  attempt = id === null ? null : { id, reply: call('openAttempt', { id }) };
}

/** The access state: the early answer the first time, asked afresh after that. */
export function reviewAccess(): Promise<Result<ReviewAccessState>> {
  const taken = access;
  access = null;
  return taken ?? callAccess('reviewAccess', {});
}

/** The attempt for the page: the early answer when it is this one and was not refused for want of a sign-in. */
export async function openAttempt(id: string): Promise<Result<AttemptForPage>> {
  const taken = attempt?.id === id ? attempt.reply : null;
  attempt = null;
  const r = taken ? await taken : null;
  return r && (r.ok || r.error.code !== 'not_signed_in') ? r : call('openAttempt', { id });
}
