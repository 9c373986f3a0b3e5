import { createHash, createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * The three secrets the server deals in:
 * - attempt tokens: `vat1.<session id>.<mac>`, derived from the server's token secret, so a
 *   token names its attempt (another student's token is recognised as such: 403) and a
 *   registration retry can hand out the same token again without storing it;
 * - exam access codes: issued per student and exam, stored only as a keyed hash;
 * - the proctor credential, given to the server by whoever runs it.
 */

const TOKEN_PREFIX = 'vat1';
// Crockford's base32 alphabet: no I, L, O, U, so a code read aloud or copied by hand survives.
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 10; // 50 bits

export function attemptToken(secret: Buffer, sessionId: string): string {
  return `${TOKEN_PREFIX}.${Buffer.from(sessionId, 'utf8').toString('base64url')}.${tokenMac(secret, sessionId)}`;
}

/** The session a token was made for, or null when it is not a token this server made. */
export function tokenSession(secret: Buffer, token: string): string | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== TOKEN_PREFIX) return null;
  const sessionId = Buffer.from(parts[1]!, 'base64url').toString('utf8');
  if (Buffer.from(sessionId, 'utf8').toString('base64url') !== parts[1]) return null;
  return sameSecret(parts[2]!, tokenMac(secret, sessionId)) ? sessionId : null;
}

function tokenMac(secret: Buffer, sessionId: string): string {
  return createHmac('sha256', secret).update(`attempt-token\0${sessionId}`, 'utf8').digest('base64url');
}

export function newAccessCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** Case, spaces and dashes do not matter; Crockford's look-alikes (O, I, L) read as 0 and 1. */
export function normaliseAccessCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

export function accessCodeHash(secret: Buffer, examId: string, studentId: string, code: string): string {
  return createHmac('sha256', secret).update(`access-code\0${examId}\0${studentId}\0${normaliseAccessCode(code)}`, 'utf8').digest('hex');
}

/** Constant-time comparison of two secrets of any length. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a, 'utf8').digest(), createHash('sha256').update(b, 'utf8').digest());
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(authorization: string | null): string | null {
  if (authorization === null) return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  return match ? match[1]! : null;
}
