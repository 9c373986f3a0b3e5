import type { Page } from 'playwright-core';
import type { SessionSnapshot, VigilApi } from '../../src-main/contract/api';

/**
 * Puts the real engine behind `window.vigil` in a Playwright page: the same object of verbs
 * the Electron preload exposes, so the renderer cannot tell the two apart. Each verb is a
 * binding into this Node process; snapshots reach the page by long-polling a binding, so
 * the page holds no test-only globals it could be driven through.
 *
 * Call before the first `page.goto`; it survives reloads (bindings and init scripts are
 * installed in every new document).
 */
export async function exposeEngine(page: Page, api: VigilApi): Promise<void> {
  let latest: { version: number; snapshot: SessionSnapshot } | null = null;
  let waiters: Array<(v: { version: number; snapshot: SessionSnapshot }) => void> = [];
  const unsubscribe = api.onSnapshot((snapshot) => {
    latest = { version: (latest?.version ?? 0) + 1, snapshot };
    const ready = waiters;
    waiters = [];
    for (const w of ready) w(latest);
  });
  page.once('close', () => {
    unsubscribe();
    waiters = [];
  });

  await page.exposeBinding('__vigilGetSnapshot', () => api.getSnapshot());
  await page.exposeBinding('__vigilSaveAnswer', (_source, input: Parameters<VigilApi['saveAnswer']>[0]) =>
    api.saveAnswer(input),
  );
  await page.exposeBinding('__vigilReportWindowEvent', (_source, event: Parameters<VigilApi['reportWindowEvent']>[0]) =>
    api.reportWindowEvent(event),
  );
  await page.exposeBinding('__vigilSubmit', (_source, input: Parameters<VigilApi['submit']>[0]) => api.submit(input));
  // Resolves with the first snapshot newer than `after` (at once if there already is one).
  await page.exposeBinding('__vigilNextSnapshot', (_source, after: number) => {
    if (latest && latest.version > after) return latest;
    return new Promise((resolve) => waiters.push(resolve));
  });

  await page.addInitScript({ content: IN_PAGE_SCRIPT });
}

/**
 * Runs inside the page before its own scripts. It is plain JavaScript in a string, not a
 * function, because tsx/esbuild wrap functions with a `__name` helper that does not exist
 * in the page once Playwright serialises them.
 */
const IN_PAGE_SCRIPT = String.raw`(() => {
  const take = (name) => {
    const fn = globalThis[name];
    // The page sees only window.vigil, as under the preload.
    delete globalThis[name];
    return fn;
  };
  const getSnapshot = take('__vigilGetSnapshot');
  const saveAnswer = take('__vigilSaveAnswer');
  const reportWindowEvent = take('__vigilReportWindowEvent');
  const submit = take('__vigilSubmit');
  const nextSnapshot = take('__vigilNextSnapshot');

  const listeners = new Set();
  let polling = false;
  const poll = async () => {
    if (polling) return;
    polling = true;
    let after = 0;
    while (listeners.size > 0) {
      const next = await nextSnapshot(after);
      after = next.version;
      for (const listener of [...listeners]) listener(next.snapshot);
    }
    polling = false;
  };

  Object.defineProperty(globalThis, 'vigil', {
    value: Object.freeze({
      getSnapshot: () => getSnapshot(),
      saveAnswer: (input) => saveAnswer(input),
      reportWindowEvent: (event) => reportWindowEvent(event),
      submit: (input) => submit(input),
      onSnapshot: (listener) => {
        listeners.add(listener);
        void poll();
        return () => { listeners.delete(listener); };
      },
    }),
    enumerable: true,
  });
})();`;
