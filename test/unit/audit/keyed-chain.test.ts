import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeKey,
  encodeKey,
  evolveKey,
  evolveKeyBy,
  keyAt,
  tagFor,
  verifyCheckpoint,
  type Checkpoint,
  type KeyCursor,
} from '../../../src-main/audit/keyed-chain';
import { sha256Hex } from '../../../src-main/audit/hash-chain';

const K0 = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const HASH = 'ab'.repeat(32);

/** Seals rows 1..n the way a client does: row s with K_{s-1}, then the key evolves. */
function sealRows(k0: Buffer, n: number): Checkpoint[] {
  let key: Buffer = k0;
  const rows: Checkpoint[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const hash = sha256Hex(`row ${seq}`);
    rows.push({ seq, hash, tag: tagFor(key, hash) });
    key = evolveKey(key);
  }
  return rows;
}

describe('keyed chain', () => {
  it('matches an independent HMAC-SHA256 computation (Python hmac) byte for byte', () => {
    expect(tagFor(K0, HASH)).toBe('583630234f7e60ecfa2a6ae2e98ee37876e3ff6344457723cb4b42fcf77f7fc0');
    expect(evolveKey(K0).toString('hex')).toBe('266147781001dacc4073cb42121850d979b34df251afb97843a756d4a4a4e0e9');
    expect(tagFor(evolveKeyBy(K0, 2), HASH)).toBe('dfdfd92d19f4dba3c780074af08be2de647098fb2771bc4bbb651c561d9edd0b');
  });

  it('evolving n steps equals n single steps; zero steps is the same key; never backwards', () => {
    let key: Buffer = K0;
    for (let i = 0; i < 7; i++) key = evolveKey(key);
    expect(evolveKeyBy(K0, 7).equals(key)).toBe(true);
    expect(evolveKeyBy(K0, 0).equals(K0)).toBe(true);
    expect(keyAt({ index: 3, key: evolveKeyBy(K0, 3) }, 7).key.equals(key)).toBe(true);
    expect(() => keyAt({ index: 5, key: evolveKeyBy(K0, 5) }, 4)).toThrow(/only evolve forward/);
    expect(() => evolveKeyBy(K0, -1)).toThrow(RangeError);
  });

  it('verifies every honest checkpoint incrementally from K_0', () => {
    const rows = sealRows(K0, 50);
    let cursor: KeyCursor = { index: 0, key: K0 };
    for (const cp of [rows[0]!, rows[9]!, rows[10]!, rows[49]!]) {
      const verdict = verifyCheckpoint(cursor, cp);
      expect(verdict).toMatchObject({ ok: true, cursor: { index: cp.seq - 1 } });
      if (verdict.ok) cursor = verdict.cursor;
    }
    // Starting from K_0 again gives the same verdict: the cursor is an optimisation, not trust.
    expect(verifyCheckpoint({ index: 0, key: K0 }, rows[49]!).ok).toBe(true);
  });

  it('a tag made with an already-evolved-past key does not verify at a later seq', () => {
    const rows = sealRows(K0, 20);
    // The student kept K_4 (the key of row 5) and re-seals row 20 with it.
    const oldKey = evolveKeyBy(K0, 4);
    const forged = { seq: 20, hash: rows[19]!.hash, tag: tagFor(oldKey, rows[19]!.hash) };
    expect(verifyCheckpoint({ index: 0, key: K0 }, forged)).toMatchObject({ ok: false, reason: 'bad_tag' });
    // A later key cannot seal an earlier row either.
    const late = { seq: 5, hash: rows[4]!.hash, tag: tagFor(evolveKeyBy(K0, 9), rows[4]!.hash) };
    expect(verifyCheckpoint({ index: 0, key: K0 }, late)).toMatchObject({ ok: false, reason: 'bad_tag' });
  });

  it('a tampered hash, or another attempt key, fails', () => {
    const [, cp] = sealRows(K0, 2);
    const tampered = { ...cp!, hash: sha256Hex('rewritten row 2') };
    expect(verifyCheckpoint({ index: 0, key: K0 }, tampered)).toMatchObject({ ok: false, reason: 'bad_tag' });
    expect(verifyCheckpoint({ index: 0, key: randomBytes(32) }, cp!)).toMatchObject({ ok: false, reason: 'bad_tag' });
  });

  it('refuses a checkpoint sealed before the cursor, and malformed ones, with a reason', () => {
    const rows = sealRows(K0, 10);
    const cursor = { index: 8, key: evolveKeyBy(K0, 8) };
    expect(verifyCheckpoint(cursor, rows[2]!)).toMatchObject({ ok: false, reason: 'behind_key' });
    for (const bad of [
      { seq: 0, hash: HASH, tag: HASH },
      { seq: 1.5, hash: HASH, tag: HASH },
      { seq: 1, hash: HASH.toUpperCase(), tag: HASH },
      { seq: 1, hash: HASH, tag: 'zz' },
    ]) {
      expect(verifyCheckpoint({ index: 0, key: K0 }, bad)).toMatchObject({ ok: false, reason: 'malformed' });
    }
  });

  it('keys travel as canonical base64 of exactly 32 bytes', () => {
    const key = randomBytes(32);
    expect(decodeKey(encodeKey(key)).equals(key)).toBe(true);
    expect(() => decodeKey(encodeKey(randomBytes(16)))).toThrow(/32 bytes/);
    expect(() => decodeKey('not base64!')).toThrow(/base64/);
    expect(() => decodeKey(`${encodeKey(key)}\n`)).toThrow();
  });
});
