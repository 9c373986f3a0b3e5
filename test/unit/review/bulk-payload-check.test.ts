import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAuditPayload, type AuditKind } from '../../../src-main/contract/audit-rows';
import { BULK_KINDS, bulkValidator, checkStoredPayload } from '../../../src-main/review/bulk-payload-check';

const HEX = 'ab'.repeat(32);

/** One payload per bulk kind that fits its schema, with every optional and nested part filled. */
const VALID: Record<string, Record<string, unknown>> = {
  answer_saved: { length: 12, questionId: 'q4', revision: 3, sha256: HEX },
  package_scored: {
    sequence: 7,
    startedAt: 1000,
    endedAt: 6000,
    keystrokeCount: 40,
    focusLosses: 1,
    unfocusedMs: 250.5,
    shouldFlag: true,
    level: 'medium',
    probability: 0.61,
    confidence: 0.4,
    patterns: [{ pattern: 'biometric_drift', severity: 0.7, explanation: 'Typing rhythm changed.', evidence: { meanFlightMs: 120.5, drift: 0.8 } }],
    featureScores: { keystroke_anomaly: 0.7, mouse: null },
    inputIssues: ['clamped cpu'],
  },
  risk_changed: {
    from: 10,
    to: 25.5,
    level: 'low',
    reasons: [{ at: 5000, source: 'integrity', code: 'focus_lost', points: 15.5, message: 'Left the exam window.' }],
    warning: null,
  },
  engine_state_saved: { key: 'detectors', sha256: HEX },
  upload_queued: { outboxId: 'o-1', path: '/api/flags', sha256: HEX },
  flag_raised: {
    sequence: 7,
    level: 'high',
    probability: 0.8,
    patterns: [{ pattern: 'network_anomaly', severity: 0.9, explanation: 'A burst.', evidence: { bytes: 4_000_000 } }],
  },
  checkpoint_queued: { seq: 100, hash: HEX, tag: HEX },
};

/** Values that break one field or another: wrong types, non-finite, fractions, negatives, bad patterns. */
const ODD: unknown[] = [null, true, false, '', 'x', 'high', HEX.toUpperCase(), 0, -1, -0, 0.5, 1.5, 2 ** 53, -(2 ** 53), Infinity, -Infinity, NaN, [], [1], {}, { a: 1 }];

type Path = (string | number)[];

function paths(value: unknown, at: Path = []): Path[] {
  if (Array.isArray(value)) return [at, ...value.flatMap((v, i) => paths(v, [...at, i]))];
  if (typeof value === 'object' && value !== null) return [at, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
  return [at];
}

function mutate(base: unknown, path: Path, change: (parent: Record<string | number, unknown>, key: string | number) => void): unknown {
  const copy = structuredClone(base);
  if (path.length === 0) return copy;
  let parent = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  change(parent, path.at(-1)!);
  return copy;
}

/** Every single-step mutation of `base`: each field replaced by each odd value, removed, or given a neighbour. */
function mutations(base: unknown): unknown[] {
  const out: unknown[] = [...ODD];
  for (const p of paths(base)) {
    for (const v of ODD) out.push(p.length === 0 ? v : mutate(base, p, (o, k) => (o[k] = v)));
    if (p.length > 0) out.push(mutate(base, p, (o, k) => (Array.isArray(o) ? o.splice(Number(k), 1) : delete o[k])));
    const target = p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], base);
    if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
      out.push(mutate(base, p, (o, k) => ((o[k] as Record<string, unknown>).extra = 1)));
      // JSON.parse makes "__proto__" an own key (an object literal would set the prototype instead).
      if (p.length === 0) out.push(JSON.parse(JSON.stringify(base).replace(/^\{/, '{"__proto__":{},')) as unknown);
    }
    if (Array.isArray(target)) out.push(mutate(base, p, (o, k) => (o[k] as unknown[]).push(target[0] ?? 1)));
  }
  return out;
}

/** The compiled check may only ever accept what zod accepts, and zod must then return the payload unchanged. */
function agrees(kind: AuditKind, payload: unknown): void {
  const fast = bulkValidator(kind)!(payload) === true;
  const zod = checkAuditPayload(kind, payload);
  if (fast) {
    expect(zod.ok, `${kind}: the compiled check accepted what zod refuses: ${JSON.stringify(payload)}`).toBe(true);
    if (zod.ok) expect(zod.payload).toStrictEqual(payload);
  }
  const stored = checkStoredPayload(kind, payload);
  expect(stored.ok).toBe(zod.ok);
  if (!stored.ok && !zod.ok) expect(stored.problem).toBe(zod.problem);
}

describe('compiled check of the bulk audit kinds', () => {
  it('covers every bulk kind, and accepts each kind\'s valid payload without zod', () => {
    expect(Object.keys(VALID).sort()).toEqual([...BULK_KINDS].sort());
    for (const kind of BULK_KINDS) {
      expect(checkAuditPayload(kind, VALID[kind]).ok, kind).toBe(true);
      expect(bulkValidator(kind), `${kind} compiles`).not.toBeNull();
      expect(bulkValidator(kind)!(VALID[kind]), kind).toBe(true);
    }
  });

  it('leaves kinds outside the bulk set to zod', () => {
    expect(bulkValidator('session_started')).toBeNull();
    expect(checkStoredPayload('submission', { submittedAt: 0, reason: 'student', answerCount: 1, riskScore: 0 }).ok).toBe(true);
  });

  it('never accepts a mutation zod refuses, and refuses with zod\'s own words', () => {
    let refused = 0;
    for (const kind of BULK_KINDS) {
      for (const m of mutations(VALID[kind])) {
        agrees(kind, m);
        if (!checkAuditPayload(kind, m).ok) refused++;
      }
    }
    // The mutations are not all harmless: most of them must be refused.
    expect(refused).toBeGreaterThan(500);
  });

  it('agrees with zod on random values put anywhere in a valid payload', () => {
    const kinds = [...BULK_KINDS];
    const anyValue = fc.oneof(fc.jsonValue(), fc.double(), fc.integer(), fc.string(), fc.constantFrom(...ODD));
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.nat(), anyValue, (kind, n, value) => {
        const all = paths(VALID[kind]);
        const p = all[n % all.length]!;
        agrees(kind, p.length === 0 ? value : mutate(VALID[kind], p, (o, k) => (o[k] = value)));
      }),
      { numRuns: 3000 },
    );
  });
});
