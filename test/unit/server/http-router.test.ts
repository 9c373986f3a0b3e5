import { describe, expect, it } from 'vitest';
import { HttpError, Router, jsonObject } from '../../../src-server/http-router';

const ok = () => ({ status: 200, body: null });

describe('the exam server router', () => {
  it('matches literal and :param segments, decoding params', () => {
    const router = new Router().add('GET', '/ping', ok).add('POST', '/api/sessions/:id/checkpoints', ok).add('GET', '/api/sessions/:id', ok);
    expect(router.match('GET', '/ping')).toMatchObject({ kind: 'found', params: {} });
    expect(router.match('POST', '/api/sessions/a%40b.example/checkpoints')).toMatchObject({ kind: 'found', params: { id: 'a@b.example' } });
    expect(router.match('GET', '/api/sessions/x')).toMatchObject({ kind: 'found', params: { id: 'x' } });
    expect(router.match('GET', '/api/sessions/')).toEqual({ kind: 'none' });
    expect(router.match('GET', '/api/sessions/x/y/z')).toEqual({ kind: 'none' });
    expect(router.match('GET', '/pingx')).toEqual({ kind: 'none' });
  });

  it('tells a wrong method from a missing route, and names the methods allowed', () => {
    const router = new Router().add('GET', '/api/sessions/:id', ok).add('PUT', '/api/sessions/:id', ok);
    expect(router.match('POST', '/api/sessions/x')).toEqual({ kind: 'wrong-method', allowed: ['GET', 'PUT'] });
  });

  it('refuses the same route twice, even under another param name', () => {
    const router = new Router().add('GET', '/a/:x', ok);
    expect(() => router.add('GET', '/a/:y', ok)).toThrow(/already registered/);
    expect(() => router.add('GET', 'a', ok)).toThrow(/must start with/);
    expect(() => router.add('POST', '/a/:x', ok)).not.toThrow();
  });

  it('a malformed escape in a param is a 400, not a crash', () => {
    const router = new Router().add('GET', '/s/:id', ok);
    expect(() => router.match('GET', '/s/%E0%A4%A')).toThrow(HttpError);
    try {
      router.match('GET', '/s/%E0%A4%A');
    } catch (error) {
      expect(error).toMatchObject({ status: 400, message: 'malformed URL encoding in "%E0%A4%A"' });
    }
    // Only a matching route decodes: elsewhere the same escape is just a path that is not there.
    expect(new Router().add('GET', '/s/:id/x', ok).match('GET', '/s/%E0%A4%A/y')).toEqual({ kind: 'none' });
  });

  it('reads a JSON object body or says what is wrong', () => {
    expect(jsonObject(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
    expect(() => jsonObject(Buffer.from('[1]'))).toThrow('request body must be a JSON object');
    expect(() => jsonObject(Buffer.from('nope'))).toThrow(/^request body is not valid JSON/);
    expect(() => jsonObject(Buffer.from(''))).toThrow(/^request body is not valid JSON/);
  });
});
