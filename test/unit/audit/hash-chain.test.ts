import { describe, expect, it } from 'vitest';
import { canonicalRow, rowHash, sha256Hex } from '../../../src-main/audit/hash-chain';

describe('rowHash', () => {
  it('hashes exactly the canonical JSON of the row, whatever the text holds', () => {
    const rows = [
      { seq: 1, at: 1_700_000_000_000, kind: 'session_started', payload: '{"a":1}', prevHash: '0'.repeat(64) },
      { seq: 99, at: -5, kind: 'odd "kind"\n', payload: 'ünïcödé \u2028 \ud83d\ude00 \\ "', prevHash: 'f'.repeat(64) },
      { seq: 2, at: 1.5e-7, kind: '', payload: '', prevHash: '' },
    ];
    for (const row of rows) expect(rowHash(row)).toBe(sha256Hex(canonicalRow(row)));
  });

  it('refuses what JSON cannot hold instead of hashing a lossy text', () => {
    expect(() => rowHash({ seq: 1, at: Number.NaN, kind: 'k', payload: '{}', prevHash: '' })).toThrow(/not representable/);
  });
});
