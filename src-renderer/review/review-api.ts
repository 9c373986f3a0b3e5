import type { Result } from '../../src-main/contract/result';
import type { ReviewInput, ReviewOutput, ReviewVerb } from '../../src-main/contract/review';
import type { ReviewAccessInput, ReviewAccessOutput, ReviewAccessVerb } from '../../src-main/contract/review-access';

/** What main (Electron preload, or the Playwright bridge of `npm run review`) exposes to the review page. */
export interface ReviewBridge {
  invoke(verb: string, input: unknown): Promise<unknown>;
}

declare global {
  interface Window {
    vigilReview?: ReviewBridge;
  }
}

export async function call<V extends ReviewVerb>(verb: V, input: ReviewInput<V>): Promise<Result<ReviewOutput<V>>> {
  return invoke(verb, input);
}

/** The proctor's sign-in verbs, on the same channel (main refuses the review verbs until it succeeded). */
export async function callAccess<V extends ReviewAccessVerb>(verb: V, input: ReviewAccessInput<V>): Promise<Result<ReviewAccessOutput<V>>> {
  return invoke(verb, input);
}

async function invoke<T>(verb: string, input: unknown): Promise<Result<T>> {
  const bridge = window.vigilReview;
  if (!bridge) return { ok: false, error: { code: 'internal', message: 'This page was opened outside Vigil review: there is nothing to read.' } };
  try {
    return (await bridge.invoke(verb, input)) as Result<T>;
  } catch (e) {
    return { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
  }
}
