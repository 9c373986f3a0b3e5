import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Router } from './http-router';

// The page lives with the other screens (src-renderer/live/: DOM, React, contract only); the
// server bundles it on the first request and keeps it in memory, so there is no build step
// and no build output in the repository.
const PAGE_DIR = fileURLToPath(new URL('../src-renderer/live/', import.meta.url));

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Vigil live view</title>
    <link rel="stylesheet" href="/proctor/live/app.css" />
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/proctor/live/app.js"></script>
  </body>
</html>
`;

let bundle: Promise<string> | null = null;

function script(): Promise<string> {
  bundle ??= build({
    entryPoints: [`${PAGE_DIR}live-main.tsx`],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  })
    .then((r) => r.outputFiles[0]!.text)
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
  router.add('GET', '/proctor/live/app.js', async () => ({ status: 200, body: await script(), headers: headers('text/javascript; charset=utf-8') }));
  router.add('GET', '/proctor/live/app.css', () => ({ status: 200, body: readFileSync(`${PAGE_DIR}live.css`, 'utf8'), headers: headers('text/css; charset=utf-8') }));
}
