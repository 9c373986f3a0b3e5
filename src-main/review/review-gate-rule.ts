import { loadInstalledPolicy, type ConfigSources } from '../exam/installed-config';

/**
 * When the review in the Vigil app asks for the proctor password (docs/review.md):
 * - an installed (production) Vigil always does, with the password of its signed policy;
 *   a policy without one cannot tell the proctor from the student at this computer, so the
 *   review does not open at all (fails closed) and says what IT must do;
 * - a development build does when its policy has a password, and otherwise opens without
 *   one and says so in the log.
 * `npm run review` on a proctor's own computer decides in scripts/review.ts.
 */
export type ReviewGateDecision =
  | { ok: true; passwordHash: string | null; note: string }
  | { ok: false; title: string; message: string };

export function reviewGateFor(opts: { production: boolean; passwordHash: string | null; policyFile: string }): ReviewGateDecision {
  if (opts.passwordHash !== null) {
    return { ok: true, passwordHash: opts.passwordHash, note: `review: the proctor password of ${opts.policyFile} is required` };
  }
  if (opts.production) {
    return {
      ok: false,
      title: 'The review needs a proctor password',
      message:
        `The exam policy ${opts.policyFile} sets no proctor password (integrity.lockdown.quitPasswordHash), so Vigil cannot tell a proctor from the student at this computer and will not open the review. ` +
        "IT: set one and sign the policy again (docs/lockdown.md). Or copy the attempt databases to a proctor's computer and open them with `npm run review` (docs/review.md).",
    };
  }
  return {
    ok: true,
    passwordHash: null,
    note: `development: ${opts.policyFile} sets no proctor password, so the review opens without a sign-in (an installed Vigil refuses to)`,
  };
}

/** The same, from the policy this Vigil would run an exam under (signed and from the managed folder when installed). */
export function reviewGateFromPolicy(src: Omit<ConfigSources, 'examFile'>): { ok: true; passwordHash: string | null; notes: string[] } | { ok: false; title: string; message: string } {
  const loaded = loadInstalledPolicy(src);
  if (!loaded.ok) return { ok: false, ...loaded.error };
  const decided = reviewGateFor({ production: src.production, passwordHash: loaded.value.policy.integrity.lockdown.quitPasswordHash, policyFile: loaded.value.source });
  return decided.ok ? { ok: true, passwordHash: decided.passwordHash, notes: [...loaded.value.notes, decided.note] } : decided;
}
