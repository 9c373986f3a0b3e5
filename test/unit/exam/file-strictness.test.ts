import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PolicySchema, SaveAnswerInputSchema, findUnknownKeys } from '../../../src-main/contract';
import { DEFAULT_POLICY_FILE, DEMO_EXAM_FILE, loadExamFile, loadPolicyFile } from '../../../src-main/exam/exam-files';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-strict-'));
let n = 0;
const write = (value: unknown): string => {
  const file = path.join(dir, `f${n++}.json`);
  writeFileSync(file, JSON.stringify(value));
  return file;
};
const policyError = (value: object): string => {
  const r = loadPolicyFile(write({ schemaVersion: 1, ...value }));
  if (r.ok) throw new Error(`policy ${JSON.stringify(value)} was accepted`);
  return r.error.message;
};
const exam = (questions: unknown[], extra: object = {}) => ({
  schemaVersion: 1, id: 'x', title: 'T', durationMinutes: 10, questions, ...extra,
});
const examError = (value: unknown): string => {
  const r = loadExamFile(write(value));
  if (r.ok) throw new Error(`exam ${JSON.stringify(value)} was accepted`);
  return r.error.message;
};

describe('policy files refuse what cannot work', () => {
  it('still loads the bundled policy and exam', () => {
    expect(loadPolicyFile(DEFAULT_POLICY_FILE).ok).toBe(true);
    expect(loadExamFile(DEMO_EXAM_FILE).ok).toBe(true);
  });

  it('names a misspelt top-level key and the key it resembles', () => {
    expect(policyError({ windowSecond: 10 })).toMatch(/unknown key "windowSecond" at the top level; did you mean "windowSeconds"\?/);
  });

  it('names a misspelt nested key with its path', () => {
    expect(policyError({ ledger: { integrityPoint: { focus_lost: 5 } } })).toMatch(
      /unknown key "integrityPoint" in ledger; did you mean "integrityPoints"\?/,
    );
    expect(policyError({ classifier: { weights: { keystroke_anomally: 0.3 } } })).toMatch(
      /unknown key "keystroke_anomally" in classifier\.weights; did you mean "keystroke_anomaly"\?/,
    );
  });

  it('covers fields a schema gains later without listing them (generic walk)', () => {
    const extended = PolicySchema.extend({ integrity: z.object({ probeSeconds: z.number().default(5) }).prefault({}) });
    expect(findUnknownKeys(extended, { schemaVersion: 1, integrity: { probeSecond: 3 } })).toEqual([
      { path: ['integrity'], key: 'probeSecond', closest: 'probeSeconds' },
    ]);
    expect(findUnknownKeys(extended, { schemaVersion: 1, integrity: { probeSeconds: 3 } })).toEqual([]);
  });

  it('refuses a server URL that is not http or https', () => {
    expect(policyError({ serverUrl: 'ftp://exams.example.org' })).toMatch(/serverUrl must be an http:\/\/ or https:\/\/ URL/);
    expect(policyError({ serverUrl: 'https://exams.example.org/api?x=1' })).toMatch(/must not have a query/);
    expect(policyError({ serverUrl: 'https://u:p@exams.example.org' })).toMatch(/user name or password/);
    expect(loadPolicyFile(write({ schemaVersion: 1, serverUrl: 'https://exams.example.org/api' })).ok).toBe(true);
  });

  it('refuses all-zero classifier weights', () => {
    const weights = Object.fromEntries(Object.keys(PolicySchema.parse({ schemaVersion: 1 }).classifier.weights).map((k) => [k, 0]));
    expect(policyError({ classifier: { weights } })).toMatch(/at least one classifier weight must be above 0/);
  });

  it('refuses warning levels out of order, repeated, or at the ends', () => {
    expect(policyError({ ledger: { warnAt: [70, 40, 90] } })).toMatch(/warnAt must be in strictly ascending order/);
    expect(policyError({ ledger: { warnAt: [40, 40] } })).toMatch(/strictly ascending/);
    expect(policyError({ ledger: { warnAt: [40, 100] } })).toMatch(/below 100/);
    expect(policyError({ ledger: { warnAt: [0, 40] } })).toMatch(/above 0/);
  });

  it('refuses thresholds above 1 and typist blocks larger than the enrolment', () => {
    expect(policyError({ classifier: { thresholds: { critical: 1.5 } } })).toMatch(/critical <= 1/);
    expect(policyError({ classifier: { detectors: { typistEnrollKeystrokes: 100, typistBlockKeystrokes: 200 } } })).toMatch(
      /typistBlockKeystrokes cannot exceed typistEnrollKeystrokes/,
    );
  });
});

describe('exam files refuse what cannot work', () => {
  it('names a misspelt key inside a question', () => {
    expect(examError(exam([{ kind: 'essay', id: 'a', prompt: 'p', maxLenght: 100 }]))).toMatch(
      /unknown key "maxLenght" in questions\.0; did you mean "maxLength"\?/,
    );
    expect(examError(exam([{ kind: 'essay', id: 'a', prompt: 'p' }], { durationMinute: 5 }))).toMatch(/did you mean "durationMinutes"/);
  });

  it('refuses a maxLength no answer can reach, and repeated option ids', () => {
    expect(examError(exam([{ kind: 'essay', id: 'a', prompt: 'p', maxLength: 50_000 }]))).toMatch(/maxLength cannot exceed 20,000/);
    const options = [{ id: 'o', label: 'A' }, { id: 'o', label: 'B' }];
    expect(examError(exam([{ kind: 'multiple_choice', id: 'a', prompt: 'p', options }]))).toMatch(/option ids must be unique/);
  });

  it('names the question ids that repeat', () => {
    const q = (id: string) => ({ kind: 'essay', id, prompt: 'p' });
    expect(examError(exam([q('a'), q('b'), q('a'), q('b'), q('b')]))).toMatch(/question ids must be unique \(a appears twice, b appears 3 times\)/);
  });

  it('refuses text with a lone surrogate', () => {
    expect(examError(exam([{ kind: 'essay', id: 'a', prompt: 'bad \uD800 prompt' }]))).toMatch(/unpaired UTF-16 surrogate \(U\+D800 at character 5\)/);
  });
});

describe('answers say what is wrong with them', () => {
  const message = (value: string) => {
    const r = SaveAnswerInputSchema.safeParse({ questionId: 'q', value });
    return r.success ? null : r.error.issues.map((i) => i.message).join('; ');
  };
  it('names the limit for an answer that is too long', () => {
    expect(message('x'.repeat(20_001))).toBe('The answer is 20,001 characters long; the limit is 20,000.');
    expect(message('x'.repeat(10 * 1024 * 1024))).toBe('The answer is 10,485,760 characters long; the limit is 20,000.');
    expect(message('x'.repeat(20_000))).toBeNull();
  });
  it('refuses a lone surrogate and keeps a paired one', () => {
    expect(message('ab\uDC00')).toMatch(/unpaired UTF-16 surrogate \(U\+DC00 at character 3\)/);
    expect(message('emoji \uD83D\uDE00')).toBeNull();
  });
});
