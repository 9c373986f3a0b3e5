import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyWalker } from '../../../src-main/audit/key-walker';
import { evolveKey, tagFor } from '../../../src-main/audit/keyed-chain';
import { sha256Hex } from '../../../src-main/audit/hash-chain';

describe('KeyWalker', () => {
  it('gives the same keys and tags as createHmac (evolveKey, tagFor) row after row', () => {
    for (let round = 0; round < 5; round++) {
      let key: Buffer = randomBytes(32);
      const walker = new KeyWalker(key);
      for (let seq = 1; seq <= 40; seq++) {
        const hash = sha256Hex(`row ${round}.${seq}`);
        expect(walker.index).toBe(seq - 1);
        expect(walker.key().equals(key)).toBe(true);
        expect(walker.tag(hash)).toBe(tagFor(key, hash));
        walker.evolve();
        key = evolveKey(key);
      }
    }
  });

  it('matches the independent HMAC-SHA256 vector, jumps forward, never backwards, refuses bad input', () => {
    const k0 = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    const walker = new KeyWalker(k0);
    expect(walker.tag('ab'.repeat(32))).toBe('583630234f7e60ecfa2a6ae2e98ee37876e3ff6344457723cb4b42fcf77f7fc0');
    walker.advanceTo(2);
    expect(walker.tag('ab'.repeat(32))).toBe('dfdfd92d19f4dba3c780074af08be2de647098fb2771bc4bbb651c561d9edd0b');
    expect(() => walker.advanceTo(1)).toThrow(/only evolve forward/);
    expect(() => walker.tag('AB'.repeat(32))).toThrow(TypeError);
    expect(() => new KeyWalker(Buffer.alloc(16))).toThrow(RangeError);
  });
});
