import type { Page } from 'playwright-core';
import { VERBS, VERB_NAMES, dispatchVerb, parseVerbInput } from '../../src-main/contract';
import type { SessionSnapshot, VigilApi } from '../../src-main/contract';

export interface ExposeEngineOptions {
  /** Payloads refused before the engine saw them, as main's IPC adapter reports them for the audit log. */
  onRejected?: (channel: string, reason: string) => void;
}

/** One Playwright binding per verb of the verb table; the page script takes them away again. */
const bindingFor = (verb: string): string => `__vigil_${verb}`;
const NEXT_SNAPSHOT_BINDING = '__vigilNextSnapshot';

/**
 * Puts the real engine behind `window.vigil` in a Playwright page: the same object of verbs
 * the Electron preload exposes, built from the same verb table, and each call validated by
 * the same dispatchVerb main's IPC adapter uses, so the renderer cannot tell the two apart.
 * Each verb is a binding into this Node process; snapshots reach the page by long-polling a
 * binding, so the page holds no test-only globals it could be driven through.
 *
 * Shared by the Chromium e2e tests and `npm run dev:browser`. Call before the first
 * `page.goto`; it survives reloads (bindings and init scripts are installed in every new
 * document).
 */
export async function exposeEngine(page: Page, api: VigilApi, opts: ExposeEngineOptions = {}): Promise<void> {
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

  for (const verb of VERB_NAMES) {
    await page.exposeBinding(bindingFor(verb), (_source, payload: unknown) => {
      const input = parseVerbInput(verb, payload);
      if (!input.ok) opts.onRejected?.(VERBS[verb].channel, input.error.message);
      return dispatchVerb(api, verb, payload);
    });
  }
  // Resolves with the first snapshot newer than `after` (at once if there already is one).
  await page.exposeBinding(NEXT_SNAPSHOT_BINDING, (_source, after: number) => {
    if (latest && latest.version > after) return latest;
    return new Promise((resolve) => waiters.push(resolve));
  });

  const bindings = { verbs: VERB_NAMES.map((verb) => [verb, bindingFor(verb)]), nextSnapshot: NEXT_SNAPSHOT_BINDING };
  await page.addInitScript({ content: `(${IN_PAGE_SCRIPT})(${JSON.stringify(bindings)});` });
}

/**
 * Runs inside the page before its own scripts, given the binding names as JSON. It is plain
 * JavaScript in a string, not a function, because tsx/esbuild wrap functions with a
 * `__name` helper that does not exist in the page once Playwright serialises them.
 */
const IN_PAGE_SCRIPT = String.raw`({ verbs, nextSnapshot: nextSnapshotName }) => {
  const take = (name) => {
    const fn = globalThis[name];
    // The page sees only window.vigil, as under the preload.
    delete globalThis[name];
    return fn;
  };
  const api = {};
  for (const [verb, binding] of verbs) {
    const call = take(binding);
    api[verb] = (input) => call(input);
  }
  const nextSnapshot = take(nextSnapshotName);

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
  api.onSnapshot = (listener) => {
    listeners.add(listener);
    void poll();
    return () => { listeners.delete(listener); };
  };

  Object.defineProperty(globalThis, 'vigil', { value: Object.freeze(api), enumerable: true });
}`;
