import { describe, expect, it } from 'vitest';
import { classifyResponse } from '../../../src-main/upload/server-response';

const key = 'k-1';
const res = (status: number, text: string, retryAfter: string | null = null) => ({ status, text, retryAfter });

describe('classifyResponse', () => {
  it('delivered only on a 2xx acknowledging this key', () => {
    expect(classifyResponse(res(201, JSON.stringify({ ok: true, id: key })), key)).toEqual({ kind: 'delivered' });
    expect(classifyResponse(res(200, JSON.stringify({ ok: true, id: 'other' })), key)).toMatchObject({ kind: 'retry', error: expect.stringMatching(/another upload/) });
    expect(classifyResponse(res(200, '<html>proxy login</html>'), key)).toMatchObject({ kind: 'retry', error: expect.stringMatching(/not JSON/) });
    expect(classifyResponse(res(200, '{"ok":false}'), key)).toMatchObject({ kind: 'retry', error: expect.stringMatching(/malformed acknowledgement/) });
    expect(classifyResponse(res(204, ''), key).kind).toBe('retry');
  });

  it('retries 408, 429 and 5xx, honouring Retry-After seconds', () => {
    expect(classifyResponse(res(503, '{"message":"down for maintenance"}', '7'), key)).toEqual({ kind: 'retry', error: 'HTTP 503: down for maintenance', retryAfterMs: 7000 });
    expect(classifyResponse(res(429, '', null), key)).toEqual({ kind: 'retry', error: 'HTTP 429: (empty body)', retryAfterMs: null });
    expect(classifyResponse(res(408, 'slow'), key).kind).toBe('retry');
    expect(classifyResponse(res(302, ''), key).kind).toBe('retry');
  });

  it('rejects other 4xx with the server message', () => {
    expect(classifyResponse(res(400, '{"message":"submission needs an answers field"}'), key)).toEqual({ kind: 'rejected', error: 'HTTP 400: submission needs an answers field' });
    expect(classifyResponse(res(404, 'Not Found'), key)).toEqual({ kind: 'rejected', error: 'HTTP 404: Not Found' });
    expect(classifyResponse(res(422, '{"error":"key reused"}'), key)).toEqual({ kind: 'rejected', error: 'HTTP 422: key reused' });
  });

  it('keeps messages short and on one line', () => {
    const out = classifyResponse(res(400, `line1\n${'x'.repeat(1000)}`), key);
    expect(out.kind).toBe('rejected');
    if (out.kind === 'rejected') {
      expect(out.error).not.toContain('\n');
      expect(out.error.length).toBeLessThan(320);
    }
  });
});
