import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { err, ok } from '../contract';
import type { Result } from '../contract';

/**
 * A policy or exam signed by the institution (docs/deploy.md, "Signed files"):
 *
 *     {
 *       "format": "vigil-signed/1",
 *       "algorithm": "Ed25519",
 *       "keyId": "<first 16 bytes of SHA-256 over the public key's DER, hex>",
 *       "signature": "<base64 Ed25519 signature over SIGNED_PREFIX + the content's UTF-8 bytes>",
 *       "content": "<the signed file, byte for byte, as a JSON string>"
 *     }
 *
 * The content is kept as the exact text IT signed (not re-serialised JSON), so any changed
 * byte breaks the signature and a verifier in any language needs no canonical form. The
 * prefix keeps a Vigil signature from being replayed as a signature over anything else.
 */
export const SIGNED_FORMAT = 'vigil-signed/1';
const SIGNED_PREFIX = Buffer.from('vigil-signed/1\0', 'utf8');

export interface SignedDocument {
  format: typeof SIGNED_FORMAT;
  algorithm: 'Ed25519';
  keyId: string;
  signature: string;
  content: string;
}

export interface Verified {
  /** The signed text, exactly as signed. */
  content: string;
  keyId: string;
}

/** Why a document is refused: the app and the CLI both say it, naming the file. */
export type VerifyFailure = 'not_signed' | 'malformed' | 'wrong_key' | 'bad_signature';

export function keyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 32);
}

/** Parses a PEM public key and insists on Ed25519 (an RSA key would verify other things). */
export function parsePublicKey(pem: string, source: string): Result<KeyObject> {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (e) {
    return err('invalid_input', `${source} is not a public key in PEM form (${(e as Error).message}). Use the institution.pub written by \`npm run admin -- keygen\`.`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    return err('invalid_input', `${source} is a ${key.asymmetricKeyType ?? 'unknown'} key; Vigil trusts only Ed25519 institution keys (\`npm run admin -- keygen\`).`);
  }
  return ok(key);
}

export function parsePrivateKey(pem: string, source: string): Result<KeyObject> {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    return err('invalid_input', `${source} is not a private key in PEM form (${(e as Error).message}). Use the institution.key written by \`npm run admin -- keygen\`.`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    return err('invalid_input', `${source} is a ${key.asymmetricKeyType ?? 'unknown'} key; Vigil signs only with Ed25519 (\`npm run admin -- keygen\`).`);
  }
  return ok(key);
}

/** The signed document for `content`, as the text written to disk. */
export function signDocument(content: string, privateKey: KeyObject): string {
  const publicKey = createPublicKey(privateKey);
  const doc: SignedDocument = {
    format: SIGNED_FORMAT,
    algorithm: 'Ed25519',
    keyId: keyId(publicKey),
    signature: sign(null, message(content), privateKey).toString('base64'),
    content,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export interface VerifyError {
  kind: VerifyFailure;
  /** One sentence without the file name; callers prefix it. */
  reason: string;
}

/** True when `text` is a Vigil signed document at all (signed well or not). */
export function looksSigned(json: unknown): boolean {
  return typeof json === 'object' && json !== null && !Array.isArray(json) && (json as { format?: unknown }).format === SIGNED_FORMAT;
}

export function verifyDocument(text: string, publicKey: KeyObject): { ok: true; value: Verified } | { ok: false; error: VerifyError } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail('malformed', `it is not JSON (${(e as Error).message})`);
  }
  if (!looksSigned(json)) {
    return fail('not_signed', `it has no Vigil signature (no "format": "${SIGNED_FORMAT}" envelope); sign it with \`npm run admin -- sign\``);
  }
  const doc = json as Partial<Record<keyof SignedDocument, unknown>>;
  if (doc.algorithm !== 'Ed25519') return fail('malformed', `its algorithm is ${JSON.stringify(doc.algorithm)}, not "Ed25519"`);
  if (typeof doc.content !== 'string') return fail('malformed', 'its "content" is missing or not a string');
  if (typeof doc.signature !== 'string' || doc.signature === '') return fail('not_signed', 'its "signature" is missing');
  if (typeof doc.keyId !== 'string') return fail('malformed', 'its "keyId" is missing');
  const expected = keyId(publicKey);
  const signature = Buffer.from(doc.signature, 'base64');
  // Buffer.from(base64) skips junk silently; a round trip catches a hand-edited signature.
  if (signature.length !== 64 || signature.toString('base64') !== doc.signature) {
    return fail('bad_signature', 'its "signature" is not a 64-byte base64 Ed25519 signature');
  }
  if (!verify(null, message(doc.content), publicKey, signature)) {
    if (doc.keyId !== expected) {
      return fail('wrong_key', `it was signed with key ${doc.keyId}, but the trusted institution key is ${expected}`);
    }
    return fail('bad_signature', 'its signature does not match its content: it was changed after signing');
  }
  // A valid signature whose keyId was edited: the content is authentic, but say so rather than trust the label.
  if (doc.keyId !== expected) return fail('malformed', `its "keyId" says ${doc.keyId}, but it verifies with key ${expected}`);
  return { ok: true, value: { content: doc.content, keyId: expected } };
}

function message(content: string): Buffer {
  return Buffer.concat([SIGNED_PREFIX, Buffer.from(content, 'utf8')]);
}

function fail(kind: VerifyFailure, reason: string): { ok: false; error: VerifyError } {
  return { ok: false, error: { kind, reason } };
}
