import { readFileSync, writeFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { FLAG_FILE_SCHEMA_ID, flagFileJsonSchema } from '../../../src-main/contract/flag-file';
import { defaultPolicy } from '../../../src-main/contract/policy';
import { buildFlagFile } from '../../../src-main/detection/flag-file-builder';
import { makePackage } from './package-factory';

const policy = defaultPolicy().classifier;
const input = () => ({
  sessionId: 'sess',
  studentId: 'stud',
  createdAt: 7,
  pkg: makePackage(4, { keystrokes: [{ category: 'letter' as const, zone: 3, down: 1_020_100, up: 1_020_190 }], keystrokeCount: 1 }),
  level: 'high' as const,
  probability: 0.7,
  featureProbability: 0.3,
  confidence: 0.9,
  thresholds: policy.thresholds,
  weights: policy.weights,
  patterns: [{ pattern: 'network_anomaly' as const, severity: 0.6, explanation: 'Network traffic 900 KB/s', evidence: { z: 5 } }],
  featureScores: {
    keystroke_anomaly: 0,
    network_activity: 1,
    focus_anomaly: 0,
    app_switching: 0,
    cpu_activity: 0.2,
    voice_stress: null,
    keystroke_errors: 0,
    mouse_inactivity: 0.1,
  },
  effectiveWeights: {
    keystroke_anomaly: 0.25 / 0.9,
    network_activity: 0.25 / 0.9,
    focus_anomaly: 0.15 / 0.9,
    app_switching: 0.1 / 0.9,
    cpu_activity: 0.08 / 0.9,
    voice_stress: 0,
    keystroke_errors: 0.05 / 0.9,
    mouse_inactivity: 0.02 / 0.9,
  },
  inputIssues: [],
});

describe('flag file', () => {
  const schema = flagFileJsonSchema();
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);

  it('is a versioned draft 2020-12 JSON Schema', () => {
    expect(schema.$id).toBe(FLAG_FILE_SCHEMA_ID);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect((schema.properties as Record<string, unknown>).schemaVersion).toEqual({ type: 'number', const: 1 });
  });

  it('built files validate and carry what the seed lists, with no characters or keys', () => {
    const f = buildFlagFile(input());
    expect(validate(f), JSON.stringify(validate.errors)).toBe(true);
    expect(f.readyForServerAnalysis).toBe(true);
    expect(f.severityJustification).toMatch(/^Level high \(0.65-0.8\) at probability 0.7, confidence 0.9\. Weighted features give 0.3, led by network_activity 1/);
    expect(f.severityJustification).toMatch(/Patterns raising it: network_anomaly \(severity 0.6\)\. Absent \(renormalised\): voice_stress\./);
    expect(f.featureScores.find((s) => s.feature === 'voice_stress')).toEqual({ feature: 'voice_stress', score: null, weight: 0.1, effectiveWeight: 0 });
    expect(Object.keys(f.activitySnapshot)).not.toContain('keystrokes');
    expect(JSON.stringify(f)).not.toMatch(/category|zone/);
  });

  it('the schema refuses a snapshot that smuggles keystrokes, and a wrong version', () => {
    const f = buildFlagFile(input());
    const smuggled = { ...f, activitySnapshot: { ...f.activitySnapshot, keystrokes: [{ key: 'a' }] } };
    expect(validate(smuggled)).toBe(false);
    expect(validate({ ...f, schemaVersion: 2 })).toBe(false);
    expect(validate({ ...f, riskAssessment: { ...f.riskAssessment, probability: 1.5 } })).toBe(false);
  });

  it('is not ready for server analysis with low confidence', () => {
    expect(buildFlagFile({ ...input(), confidence: 0.2 }).readyForServerAnalysis).toBe(false);
  });

  it('the published src-main/contract/flag-file.schema.json is the generated schema (VIGIL_UPDATE_SCHEMA=1 rewrites it)', () => {
    const path = new URL('../../../src-main/contract/flag-file.schema.json', import.meta.url);
    const generated = JSON.stringify(schema, null, 2) + '\n';
    if (process.env.VIGIL_UPDATE_SCHEMA === '1') writeFileSync(path, generated);
    expect(readFileSync(path, 'utf8')).toBe(generated);
  });
});
