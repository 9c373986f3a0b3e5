import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defaultPolicy, PolicySchema } from '../../../../src-main/contract/policy';
import { PROHIBITED_CATEGORIES, prohibitedLists, WELL_KNOWN_PROHIBITED } from '../../../../src-main/contract/policy-integrity';

const parse = (integrity: unknown) => PolicySchema.safeParse({ schemaVersion: 1, integrity });
const problem = (integrity: unknown) => {
  const r = parse(integrity);
  return r.success ? null : z.prettifyError(r.error);
};

describe('policy: integrity section', () => {
  it('carries a default list in every category', () => {
    const lists = prohibitedLists(defaultPolicy().integrity);
    for (const c of PROHIBITED_CATEGORIES) {
      expect(lists[c].length, c).toBeGreaterThan(5);
      expect(lists[c]).toEqual([...WELL_KNOWN_PROHIBITED[c]]);
    }
  });

  it('extends a category with IT additions, or replaces it', () => {
    const extended = parse({ extraProhibitedApps: { communication: ['campus-chat'] } });
    expect(extended.success && prohibitedLists(extended.data.integrity).communication).toContain('campus-chat');
    expect(extended.success && prohibitedLists(extended.data.integrity).communication).toContain('discord');
    const replaced = parse({ prohibitedApps: { communication: ['campus-chat'] } });
    expect(replaced.success && prohibitedLists(replaced.data.integrity).communication).toEqual(['campus-chat']);
  });

  it('refuses a malformed prohibited list with a message naming where', () => {
    expect(problem({ extraProhibitedApps: { ai_assistant: 'chatgpt' } })).toMatch(/extraProhibitedApps\.ai_assistant/);
    expect(problem({ extraProhibitedApps: { ai_assistant: [''] } })).toMatch(/at least 2 characters/);
    expect(problem({ extraProhibitedApps: { ai_assistant: ['two\nlines'] } })).toMatch(/one printable line/);
    expect(problem({ extraProhibitedApps: { ai_assistant: ['**'] } })).toMatch(/letters or digits/);
    expect(problem({ extraProhibitedApps: { games: ['doom'] } })).toMatch(/games/);
    expect(problem({ prohibitedApps: { debugger: [42] } })).toMatch(/prohibitedApps\.debugger/);
  });

  it('refuses unknown keys and bad settings', () => {
    expect(problem({ bogus: true })).toMatch(/bogus/);
    expect(problem({ processScanMs: 5000 })).toMatch(/processScanMs/);
    expect(problem({ checks: { virtual_machine: 'maybe' } })).toMatch(/checks\.virtual_machine/);
  });

  it('documents each synthetic-input allowance with a reason and a device or process', () => {
    expect(parse({ syntheticInput: { allow: [{ process: 'onboard', reason: 'on-screen keyboard (accommodation 12)' }] } }).success).toBe(true);
    expect(problem({ syntheticInput: { allow: [{ reason: 'no target' }] } })).toMatch(/device or a process/);
    expect(problem({ syntheticInput: { allow: [{ device: 'x' }] } })).toMatch(/reason/);
  });
});
