import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { QuitPasswordHashSchema } from '../contract/policy-integrity';

/**
 * The proctor's quit password, as the policy holds it: `scrypt$N$r$p$<salt>$<hash>` with a
 * random 16-byte salt and a 32-byte scrypt output, both base64. IT makes one with
 * `hashQuitPassword` (the admin CLI wires `quit-password` to it) and puts it in the policy's
 * `integrity.lockdown.quitPasswordHash`; the shell checks what the proctor types with
 * `verifyQuitPassword`. Only the hash is ever stored or logged.
 */
export const QUIT_PASSWORD_MIN_LENGTH = 8;
const DEFAULT_COST = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
// Node refuses scrypt above its memory cap; 128 * N * r bytes must fit with room to spare.
const MAX_MEMORY = 256 * 1024 * 1024;

export function hashQuitPassword(password: string, cost: { N: number; r: number; p: number } = DEFAULT_COST): string {
  if (password.length < QUIT_PASSWORD_MIN_LENGTH) {
    throw new Error(`A quit password needs at least ${QUIT_PASSWORD_MIN_LENGTH} characters.`);
  }
  const salt = randomBytes(16);
  const hash = scryptSync(password.normalize('NFC'), salt, KEY_LENGTH, { ...cost, maxmem: MAX_MEMORY });
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Whether `password` matches `stored`; a malformed stored value is an error, never a match. */
export function verifyQuitPassword(password: string, stored: string): boolean {
  if (!QuitPasswordHashSchema.safeParse(stored).success) throw new Error('The policy quit password hash is malformed.');
  const [, n, r, p, saltB64, hashB64] = stored.split('$') as [string, string, string, string, string, string];
  const expected = Buffer.from(hashB64, 'base64');
  const N = Number(n);
  if (!Number.isInteger(Math.log2(N)) || expected.length < 16) throw new Error('The policy quit password hash is malformed.');
  const actual = scryptSync(password.normalize('NFC'), Buffer.from(saltB64, 'base64'), expected.length, {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: MAX_MEMORY,
  });
  return timingSafeEqual(actual, expected);
}
