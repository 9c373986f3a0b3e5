import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Router } from './http-router';

// The page lives with the other screens (src-renderer/live/: DOM, React, contract only); the
// server bundles it on the first request and keeps it in memory, so there is no build step
// and no build output in the repository.
const PAGE_DIR = fileURLToPath(new URL('../src-renderer/live/', import.meta.url));
const FAVICON = fileURLToPath(new URL('../src-renderer/public/favicon.svg', import.meta.url));

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Vigil live view</title>
    <link rel="icon" type="image/svg+xml" href="/proctor/live/favicon.svg" />
    <link rel="stylesheet" href="/proctor/live/app.css" />
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/proctor/live/app.js"></script>
  </body>
</html>
`;

let bundle: Promise<{ js: string; css: string }> | null = null;

/** The page's script and the CSS its imports bring (the drill-down's chart library). */
function assets(): Promise<{ js: string; css: string }> {
  bundle ??= build({
    entryPoints: { app: `${PAGE_DIR}live-main.tsx` },
    bundle: true,
    write: false,
    // Needed for the CSS that the review's chart imports; nothing is written (write: false).
    outdir: `${PAGE_DIR}bundle`,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  })
    .then((r) => ({
      js: r.outputFiles.find((f) => f.path.endsWith('.js'))!.text,
      css: r.outputFiles.find((f) => f.path.endsWith('.css'))?.text ?? '',
    }))
    .catch((error: unknown) => {
      bundle = null; // a fixed file builds on the next request
      throw error;
    });
  return bundle;
}

/**
 * `GET /proctor/live`: the proctor's live view. The page itself holds no data; it asks for the
 * proctor credential and uses it for every request and for its Socket.IO connection.
 */
export function addLiveViewPage(router: Router): void {
  const headers = (type: string) => ({ 'content-type': type, 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  router.add('GET', '/proctor/live', () => ({ status: 200, body: HTML, headers: headers('text/html; charset=utf-8') }));
  router.add('GET', '/proctor/live/app.js', async () => ({ status: 200, body: (await assets()).js, headers: headers('text/javascript; charset=utf-8') }));
  // Without one, the browser asks for /favicon.ico and logs a 404 on every visit.
  router.add('GET', '/proctor/live/favicon.svg', () => ({ status: 200, body: readFileSync(FAVICON, 'utf8'), headers: headers('image/svg+xml') }));
  // The page's own styles come last, so they win over the library's.
  router.add('GET', '/proctor/live/app.css', async () => ({
    status: 200,
    body: `${(await assets()).css}\n${readFileSync(`${PAGE_DIR}live.css`, 'utf8')}`,
    headers: headers('text/css; charset=utf-8'),
  }));
}
