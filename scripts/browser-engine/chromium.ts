/** Debian's Chromium, never a downloaded one (`npx playwright install` is not used here). */
export const CHROMIUM = '/usr/bin/chromium';

/** Quiet and offline: no GPU, no sandbox (containers), no background fetches or updates. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
