import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src-main/audit/canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same text for equal values built in a different order', () => {
    const one = { kind: 'flag', level: 'high', n: 0.5 };
    const two = { n: 0.5, level: 'high', kind: 'flag' };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  it('drops undefined members like JSON and turns undefined array slots into null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 2] })).toBe('{"b":[null,2]}');
  });

  it('refuses values JSON would silently change', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/\$\.x: NaN/);
    expect(() => canonicalJson({ x: Infinity })).toThrow(/not representable/);
    expect(() => canonicalJson({ x: 1n })).toThrow(/bigint/);
    expect(() => canonicalJson(undefined)).toThrow(/not representable/);
  });

  it('round-trips through JSON.parse', () => {
    const value = { s: 'quote " and \u2028 and é', n: -0.000123, t: true, z: null };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  it('refuses lone surrogates in values and keys, and keeps paired ones', () => {
    expect(() => canonicalJson({ answer: 'a\uD800' })).toThrow(/\$\.answer: the text contains an unpaired UTF-16 surrogate \(U\+D800/);
    expect(() => canonicalJson({ list: ['ok', '\uDFFFx'] })).toThrow(/\$\.list\[1\]/);
    expect(() => canonicalJson({ ['k\uDBFF']: 1 })).toThrow(/a key contains an unpaired/);
    expect(JSON.parse(canonicalJson({ s: '\uD83D\uDE00' }))).toEqual({ s: '\uD83D\uDE00' });
  });
});
