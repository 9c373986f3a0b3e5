import { chromium, type Browser, type Page } from 'playwright-core';
import { ProctorGate } from '../../src-main/review/proctor-gate';
import type { ReviewService } from '../../src-main/review/review-service';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium';

export { CHROMIUM, CHROMIUM_ARGS };

/**
 * What answers the review channel: the ProctorGate in front of a ReviewService, as in the
 * app, or a bare ReviewService, which is served as a review that asks for no password.
 */
export type ReviewEndpoint = ProctorGate | ReviewService;

const openGates = new WeakMap<ReviewService, ProctorGate>();
function gateOf(endpoint: ReviewEndpoint): ProctorGate {
  if (endpoint instanceof ProctorGate) return endpoint;
  let gate = openGates.get(endpoint);
  if (!gate) openGates.set(endpoint, (gate = new ProctorGate({ service: endpoint, passwordHash: null, root: endpoint.root })));
  return gate;
}

/**
 * Puts the review verbs behind `window.vigilReview` in a Playwright page, as the Electron
 * review preload does: one binding into this Node process, taken off the global object
 * before the page's scripts run. Call before the first `page.goto`.
 */
export async function exposeReview(page: Page, service: () => ReviewEndpoint): Promise<void> {
  // The result crosses as one JSON string: Playwright's own value serialisation walks every
  // nested object and takes seconds on a three-hour timeline; a string is one value.
  await page.exposeBinding('__vigilReviewInvoke', async (_source, verb: string, input: unknown) => JSON.stringify(await gateOf(service()).invoke(verb, input)));
  await page.addInitScript({ content: IN_PAGE_SCRIPT });
}

const IN_PAGE_SCRIPT = String.raw`(() => {
  const invoke = globalThis.__vigilReviewInvoke;
  delete globalThis.__vigilReviewInvoke;
  Object.defineProperty(globalThis, 'vigilReview', {
    value: Object.freeze({ invoke: async (verb, input) => JSON.parse(await invoke(verb, input)) }),
    enumerable: true,
  });
})();`;

/**
 * Chromium's print to PDF of the one-page report (review.html#/report/<id>). Printing
 * needs a headless browser, so one is started on first use even when the review window is
 * headful.
 */
export function createPdfPrinter(rendererUrl: string, service: () => ReviewEndpoint): { print(id: string): Promise<Buffer>; close(): Promise<void> } {
  let browser: Promise<Browser> | null = null;
  return {
    async print(id) {
      browser ??= chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      // Twice the pixels: the chart is a canvas, and a committee may print the PDF.
      const context = await (await browser).newContext({ viewport: { width: 800, height: 1100 }, deviceScaleFactor: 2 });
      try {
        const page = await context.newPage();
        await exposeReview(page, service);
        await page.goto(`${rendererUrl}review.html#/report/${encodeURIComponent(id)}`);
        await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
        await page.emulateMedia({ media: 'print' });
        return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      } finally {
        await context.close();
      }
    },
    async close() {
      if (browser) await (await browser).close();
    },
  };
}
