import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Policy } from '../contract';

/** The HTTP header every upload carries it in (src-main/upload/outbox-relay.ts). */
export const CONFIG_KEY_HEADER = 'vigil-config-key';

/**
 * The Config Key (after Safe Exam Browser's): SHA-256, hex, over the RFC 8785 canonical JSON
 * of the effective policy, i.e. after the schema filled in its defaults. Two files that mean
 * the same rules (keys reordered, whitespace, a default written out) give the same key; any
 * change to a rule gives another. The exam server compares it with the key of the policy it
 * handed out and refuses uploads from a client running anything else.
 */
export function configKey(policy: Policy): string {
  const text = canonicalize(policy);
  if (text === undefined) throw new TypeError('the policy has no JSON form');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
