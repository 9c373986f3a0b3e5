import type { Result } from '../../src-main/contract/result';
import type { ReviewInput, ReviewOutput, ReviewVerb } from '../../src-main/contract/review';

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
  const bridge = window.vigilReview;
  if (!bridge) return { ok: false, error: { code: 'internal', message: 'This page was opened outside Vigil review: there is nothing to read.' } };
  try {
    return (await bridge.invoke(verb, input)) as Result<ReviewOutput<V>>;
  } catch (e) {
    return { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
  }
}
