import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { classifyKeyName, knownKeyNames } from '../../../src-main/capture/key-classes';
import { KEY_CATEGORIES } from '../../../src-main/contract/activity';
import { DEV_DATA, devDataAvailable } from '../../dev-data';

/** Names in the dev data that are not keys: Aalto's lost-identity '' and one stray control character. */
const NOT_KEYS = new Set(['', '\u0019']);

describe('classifyKeyName', () => {
  const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');

  it('puts every letter in a letter zone of at least 3 letters (no zone spells text)', () => {
    const byZone = new Map<number, string[]>();
    for (const l of letters) {
      const c = classifyKeyName(l);
      expect(c.category).toBe('letter');
      byZone.set(c.zone, [...(byZone.get(c.zone) ?? []), l]);
    }
    for (const [zone, members] of byZone) {
      expect(members.length, `zone ${zone}: ${members.join('')}`).toBeGreaterThanOrEqual(3);
    }
  });

  it('never shares a letter zone with a non-letter key', () => {
    const letterZones = new Set(letters.map((l) => classifyKeyName(l).zone));
    for (const name of knownKeyNames()) {
      const c = classifyKeyName(name);
      if (c.category !== 'letter') expect(letterZones.has(c.zone), name).toBe(false);
    }
  });

  it('keeps every zone in 0..15 and every category in the contract', () => {
    for (const name of knownKeyNames()) {
      const c = classifyKeyName(name);
      expect(c.zone).toBeGreaterThanOrEqual(0);
      expect(c.zone).toBeLessThanOrEqual(15);
      expect(KEY_CATEGORIES).toContain(c.category);
    }
  });

  it('classifies the special keys', () => {
    expect(classifyKeyName('space')).toEqual({ category: 'space', zone: 9 });
    expect(classifyKeyName('bksp')).toEqual({ category: 'backspace', zone: 13 });
    expect(classifyKeyName('backspace')).toEqual({ category: 'backspace', zone: 13 });
    expect(classifyKeyName('\b').category).toBe('backspace');
    expect(classifyKeyName('shift').category).toBe('modifier');
    expect(classifyKeyName('caps_lock').category).toBe('modifier');
    expect(classifyKeyName('arw_left').category).toBe('navigation');
    expect(classifyKeyName('7').category).toBe('digit');
    expect(classifyKeyName('.')).toEqual(classifyKeyName('period'));
    expect(classifyKeyName('T')).toEqual(classifyKeyName('t'));
    expect(classifyKeyName('no-such-key')).toEqual({ category: 'other', zone: 0 });
  });

  it.skipIf(!devDataAvailable())('knows every key name that occurs in the dev data', async () => {
    const counts = new Map<string, number>();
    const lines = createInterface({ input: createReadStream(DEV_DATA).pipe(createGunzip()) });
    for await (const line of lines) {
      const key = (JSON.parse(line) as { key: string }).key;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const known = new Set(knownKeyNames());
    const missing = [...counts.keys()].filter((k) => !known.has(k) && !NOT_KEYS.has(k));
    expect(missing).toEqual([]);
    expect(counts.size).toBeGreaterThan(50);
    for (const k of NOT_KEYS) expect(classifyKeyName(k)).toEqual({ category: 'other', zone: 0 });
  });
});
