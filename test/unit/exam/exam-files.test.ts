import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_FILE, DEMO_EXAM_FILE, loadExamFile, loadPolicyFile } from '../../../src-main/exam/exam-files';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-exam-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('exam files', () => {
  it('loads the bundled demo exam with all three kinds of question', () => {
    const r = loadExamFile(DEMO_EXAM_FILE);
    expect(r.ok).toBe(true);
    if (r.ok) expect(new Set(r.value.questions.map((q) => q.kind))).toEqual(new Set(['multiple_choice', 'short_answer', 'essay']));
  });

  it('loads the default policy with the seed thresholds', () => {
    const r = loadPolicyFile(DEFAULT_POLICY_FILE);
    expect(r.ok && r.value.classifier.thresholds).toEqual({ critical: 0.8, high: 0.65, medium: 0.45, low: 0.25 });
  });

  it('names the file and the JSON error for a malformed exam', () => {
    const file = write('broken.json', '{"schemaVersion": 1, "id": ');
    const r = loadExamFile(file);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON`));
  });

  it('names the field for a schema violation', () => {
    const file = write('dupe.json', JSON.stringify({ schemaVersion: 1, id: 'x', title: 'T', durationMinutes: 10, questions: [
      { kind: 'essay', id: 'a', prompt: 'p' }, { kind: 'essay', id: 'a', prompt: 'q' }] }));
    const r = loadExamFile(file);
    expect(!r.ok && r.error.message).toMatch(/question ids must be unique/);
    const r2 = loadExamFile(write('noq.json', JSON.stringify({ schemaVersion: 1, id: 'x', title: 'T', durationMinutes: 10, questions: [] })));
    expect(!r2.ok && r2.error.message).toMatch(/questions/);
  });

  it('says when the file is missing', () => {
    const r = loadExamFile(path.join(dir, 'absent.json'));
    expect(!r.ok && r.error.message).toMatch(/cannot be read \(ENOENT\)/);
  });

  it('refuses a policy whose thresholds are out of order', () => {
    const r = loadPolicyFile(write('p.json', JSON.stringify({ schemaVersion: 1, classifier: { thresholds: { critical: 0.5, high: 0.65 } } })));
    expect(!r.ok && r.error.message).toMatch(/thresholds must satisfy/);
  });
});
