import { describe, expect, it } from 'vitest';
import { PolicySchema } from '../../../src-main/contract/policy';
import { hashQuitPassword, verifyQuitPassword } from '../../../src-main/exam/quit-password';

const cheap = { N: 1024, r: 8, p: 1 };

describe('quit password (salted scrypt in the policy)', () => {
  it('verifies the right password and refuses a wrong one; the salt makes every hash different', () => {
    const a = hashQuitPassword('proctor-horse-staple', cheap);
    const b = hashQuitPassword('proctor-horse-staple', cheap);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(verifyQuitPassword('proctor-horse-staple', a)).toBe(true);
    expect(verifyQuitPassword('proctor-horse-stapl', a)).toBe(false);
    expect(verifyQuitPassword('', a)).toBe(false);
  });

  it('the policy takes a hash made here and refuses a malformed one with a clear error', () => {
    const hash = hashQuitPassword('correct horse battery', cheap);
    expect(PolicySchema.parse({ schemaVersion: 1, integrity: { lockdown: { quitPasswordHash: hash } } }).integrity.lockdown.quitPasswordHash).toBe(hash);
    const bad = PolicySchema.safeParse({ schemaVersion: 1, integrity: { lockdown: { quitPasswordHash: 'hunter2' } } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/scrypt\$N\$r\$p/);
  });

  it('refuses short passwords when hashing, and throws (never matches) on a malformed stored value', () => {
    expect(() => hashQuitPassword('short')).toThrow(/at least 8/);
    expect(() => verifyQuitPassword('anything', 'scrypt$1000$8$1$AAAA$BBBB')).toThrow(/malformed/);
  });
});
