import { createHmac, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { proctorOrderBytes, type ProctorOrder, type SignedProctorOrder } from '../src-main/contract/proctor-order';

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): the seed is the last 32 bytes.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface OrderSigner {
  /** Raw 32-byte public key, base64: what registration hands the client. */
  publicKey: string;
  sign(order: ProctorOrder): SignedProctorOrder;
}

/**
 * The server's Ed25519 key, derived from its stored token secret, so it survives a restart
 * on the same data without a second secret to keep, and changes with that secret.
 */
export function orderSigner(tokenSecret: Buffer): OrderSigner {
  const seed = createHmac('sha256', tokenSecret).update('proctor-order-signing-key-v1').digest();
  const privateKey: KeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = spki.subarray(spki.length - 32).toString('base64');
  return {
    publicKey,
    sign: (order) => ({ order, signature: sign(null, Buffer.from(proctorOrderBytes(order), 'utf8'), privateKey).toString('base64') }),
  };
}
