import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  contentTypeFor,
  resolveAppPath,
  responseHeaders,
} from '../../../src-main/shell/app-url';

const root = '/opt/vigil/out/renderer';

describe('resolveAppPath', () => {
  it.each([
    ['app://vigil/', 'index.html'],
    ['app://vigil', 'index.html'],
    ['app://vigil/index.html', 'index.html'],
    ['app://vigil/assets/index-abc.js?v=1#x', 'assets/index-abc.js'],
    ['app://vigil/assets/my%20font.woff2', 'assets/my font.woff2'],
    // The WHATWG parser folds literal dot segments before we see them, staying inside.
    ['app://vigil/assets/../index.html', 'index.html'],
    ['app://vigil/../../etc/passwd', 'etc/passwd'],
    // ...and so does percent-encoded `%2e%2e` (WHATWG URL treats it as a dot segment).
    ['app://vigil/%2e%2e/%2e%2e/etc/passwd', 'etc/passwd'],
    ['app://vigil/assets/%2E%2E/%2E%2E/x.js', 'x.js'],
    ['app://vigil/%2e/index.html', 'index.html'],
  ])('%s -> %s', (url, rel) => {
    expect(resolveAppPath(root, url)).toEqual({ ok: true, file: path.join(root, rel) });
  });

  it.each([
    // Encoded slashes survive the parser and only become `..` segments once decoded.
    ['app://vigil/..%2f..%2fetc%2fpasswd', 403],
    ['app://vigil/assets%2f..%2f..%2f..%2fetc%2fpasswd', 403],
    ['app://vigil/%2e%2e%2f%2e%2e%2fetc', 403],
    ['app://vigil/..%5c..%5cwindows%5cwin.ini', 400],
    ['app://vigil/index.html%00.png', 400],
    ['app://vigil/%E0%A4%A', 400],
    ['app://other/index.html', 403],
    ['file:///etc/passwd', 403],
    ['https://vigil/index.html', 403],
    ['not a url', 400],
  ])('refuses %s with %i', (url, status) => {
    const r = resolveAppPath(root, url);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.status).toBe(status);
  });

  it('never returns a file outside the root, whatever the input', () => {
    const tricky = ['%2e%2e', '..', '.', '%2f', '%5c', 'a', '%00', '%2E%2e', '/', '//', 'etc'];
    for (const a of tricky) {
      for (const b of tricky) {
        for (const c of tricky) {
          const r = resolveAppPath(root, `app://vigil/${a}/${b}/${c}`);
          if (r.ok) expect(r.file.startsWith(root + path.sep)).toBe(true);
        }
      }
    }
  });
});

describe('response headers', () => {
  it('carries the exact CSP on every response', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'none'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    );
    for (const f of ['index.html', 'a.js', 'b.css', 'c.bin']) {
      const h = responseHeaders(f);
      expect(h['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(h['X-Content-Type-Options']).toBe('nosniff');
    }
  });

  it('names content types, falling back to octet-stream', () => {
    expect(contentTypeFor('/x/index.HTML')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('a.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('a.exe')).toBe('application/octet-stream');
  });
});
