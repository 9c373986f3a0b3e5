import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src-main/audit/canonical-json';
import { PolicySchema, defaultPolicy } from '../../../src-main/contract';
import { configKey } from '../../../src-main/exam/config-key';

describe('configKey', () => {
  it('is stable: the same effective policy always gives the same 64-hex key', () => {
    const a = configKey(defaultPolicy());
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(configKey(defaultPolicy())).toBe(a);
    // Key order and defaults written out do not change the rules, so not the key either.
    const spelled = PolicySchema.parse({ serverUrl: null, windowSeconds: 5, schemaVersion: 1, ledger: { behaviourCap: 60 } });
    expect(configKey(spelled)).toBe(a);
  });

  it('is what docs/deploy.md tells a server to compute: SHA-256 of the RFC 8785 text', () => {
    // The audit log's own canonical JSON is an independent implementation of the same rules.
    const policy = PolicySchema.parse({ schemaVersion: 1, serverUrl: 'https://exam.example/ü', windowSeconds: 2.5 });
    expect(configKey(policy)).toBe(createHash('sha256').update(canonicalJson(policy), 'utf8').digest('hex'));
  });

  it('changes with any change to any rule', () => {
    const base = defaultPolicy();
    const seen = new Set([configKey(base)]);
    // Walk every leaf of the effective policy and nudge it.
    const leaves: string[][] = [];
    const walk = (v: unknown, at: string[]) => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) for (const [k, c] of Object.entries(v)) walk(c, [...at, k]);
      else leaves.push(at);
    };
    walk(base, []);
    expect(leaves.length).toBeGreaterThan(30);
    for (const leaf of leaves) {
      const copy = structuredClone(base) as Record<string, unknown>;
      let parent = copy;
      for (const k of leaf.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
      const last = leaf.at(-1)!;
      const v = parent[last];
      parent[last] = typeof v === 'number' ? v + 0.5 : typeof v === 'string' ? `${v}x` : Array.isArray(v) ? [...v, 99] : v === null ? 'http://x' : `${String(v)}!`;
      const key = configKey(copy as never);
      expect(seen.has(key), leaf.join('.')).toBe(false);
      seen.add(key);
    }
  });
});
