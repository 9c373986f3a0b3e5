import type { VigilApi } from '../src-main/contract/api';

// The one place the renderer learns about `window.vigil`: the Electron preload exposes it
// with contextBridge, the e2e tests and `npm run dev:browser` with Playwright's exposeBinding.
// It is optional because a page opened outside Vigil has none, and the app says so.
declare global {
  interface Window {
    vigil?: VigilApi;
  }
}

export {};
