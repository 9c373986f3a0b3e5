import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical-json';
import type { Policy } from '../contract';

/**
 * The Config Key the app registers with: SHA-256, hex, over the canonical JSON of the
 * effective policy (defaults filled in), so two files meaning the same rules give one key.
 * h/it adds the same function as `configKey` (src-main/exam/config-key.ts, RFC 8785 through
 * the canonicalize package); canonicalJson gives the same text for a policy (plain strings,
 * finite numbers, booleans), so the integrator can point this at it.
 */
export function policyHash(policy: Policy): string {
  return createHash('sha256').update(canonicalJson(policy), 'utf8').digest('hex');
}
