import { describe, expect, it } from 'vitest';
import { hashQuitPassword } from '../../../src-main/exam/quit-password';
import { reviewGateFor } from '../../../src-main/review/review-gate-rule';

const HASH = hashQuitPassword('proctor-room-12', { N: 1024, r: 8, p: 1 });

describe('when the review asks for the proctor password', () => {
  it('an installed Vigil always asks, with the password of its policy', () => {
    expect(reviewGateFor({ production: true, passwordHash: HASH, policyFile: '/etc/vigil/policy.json' })).toMatchObject({ ok: true, passwordHash: HASH });
  });

  it('an installed Vigil whose policy has no proctor password does not open the review at all', () => {
    const d = reviewGateFor({ production: true, passwordHash: null, policyFile: '/etc/vigil/policy.json' });
    expect(d).toMatchObject({ ok: false, title: 'The review needs a proctor password' });
    expect(!d.ok && d.message).toMatch(/\/etc\/vigil\/policy\.json sets no proctor password \(integrity\.lockdown\.quitPasswordHash\).*IT: set one.*npm run review/);
  });

  it('a development build asks when its policy has a password, and otherwise opens and says why', () => {
    expect(reviewGateFor({ production: false, passwordHash: HASH, policyFile: 'p.json' })).toMatchObject({ ok: true, passwordHash: HASH });
    expect(reviewGateFor({ production: false, passwordHash: null, policyFile: 'the built-in default policy' })).toEqual({
      ok: true,
      passwordHash: null,
      note: 'development: the built-in default policy sets no proctor password, so the review opens without a sign-in (an installed Vigil refuses to)',
    });
  });
});
