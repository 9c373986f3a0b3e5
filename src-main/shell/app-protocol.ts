import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_SCHEME, STARTUP_ERROR_URL, resolveAppPath, responseHeaders } from './app-url';

/**
 * Must run before app 'ready'. standard: real origin and relative URLs; secure: counts as
 * a secure context; supportFetchAPI: the page's fetch() of its own assets; corsEnabled:
 * vite emits `<script type="module" crossorigin>`, fetched in CORS mode, which Chromium
 * allows only for CORS-enabled schemes (VS Code's vscode-file does the same). It opens
 * nothing: responses carry no Access-Control-Allow-Origin. No bypassCSP, no service workers.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  ]);
}

export interface AppProtocolOptions {
  /** out/renderer: the only folder app:// serves from. */
  rendererDir: string;
  /** The startup-error page's HTML, when there is one to show. */
  startupErrorPage: () => string | null;
  log: (line: string) => void;
}

const textResponse = (status: number, body: string): Response =>
  new Response(body, { status, headers: responseHeaders('x.txt') });

/** Serves app://vigil/<file> from rendererDir with the CSP on every response. */
export function handleAppProtocol({ rendererDir, startupErrorPage, log }: AppProtocolOptions): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'method not allowed');
    if (request.url.split(/[?#]/)[0] === STARTUP_ERROR_URL) {
      const page = startupErrorPage();
      if (page !== null) return new Response(page, { status: 200, headers: responseHeaders('x.html') });
    }
    const resolved = resolveAppPath(rendererDir, request.url);
    if (!resolved.ok) {
      log(`app://: refused ${request.url}: ${resolved.reason}`);
      return textResponse(resolved.status, resolved.reason);
    }
    try {
      const body = await readFile(resolved.file);
      return new Response(body, { status: 200, headers: responseHeaders(resolved.file) });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') return textResponse(404, 'not found');
      log(`app://: cannot read ${resolved.file}: ${(e as Error).message}`);
      return textResponse(500, 'cannot read file');
    }
  });
}
