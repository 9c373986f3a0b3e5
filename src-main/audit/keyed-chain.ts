import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The keyed, forward-secure layer over the audit hash chain, shared by the client's audit
 * store and the exam server (one implementation, so both sides agree byte for byte).
 *
 * Row `seq` (the first row is seq 1) is sealed with K_{seq-1}:
 *   tag_seq = HMAC-SHA256(K_{seq-1}, hash_seq)      (hash_seq as its 64-character hex text)
 *   K_seq   = HMAC-SHA256(K_{seq-1}, "evolve")
 * The client keeps only the newest key and replaces it in the same transaction as the row,
 * so whoever later holds the database cannot re-seal rows already written. K_0 comes from
 * the exam server (or is escrowed to it), which can therefore verify any checkpoint.
 */

export const KEY_BYTES = 32;
export const EVOLVE_LABEL = 'evolve';

const HEX_64 = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A key and its index: `key` is K_index. */
export interface KeyCursor {
  index: number;
  key: Buffer;
}

/** What a client reports to the server: row `seq` has `hash`, sealed with `tag`. */
export interface Checkpoint {
  seq: number;
  hash: string;
  tag: string;
}

export type CheckpointVerdict =
  | { ok: true; cursor: KeyCursor }
  | { ok: false; reason: 'malformed' | 'behind_key' | 'bad_tag'; message: string };

export function evolveKey(key: Uint8Array): Buffer {
  return createHmac('sha256', key).update(EVOLVE_LABEL, 'utf8').digest();
}

/** K_{cursor.index + steps}. Costs one HMAC per step, so callers keep a recent cursor. */
export function evolveKeyBy(key: Uint8Array, steps: number): Buffer {
  if (!Number.isSafeInteger(steps) || steps < 0) throw new RangeError(`steps must be a whole number >= 0, got ${steps}`);
  let current: Buffer = Buffer.from(key);
  for (let i = 0; i < steps; i++) current = evolveKey(current);
  return current;
}

/** Moves a cursor forward to K_index; a key cannot be evolved backwards. */
export function keyAt(cursor: KeyCursor, index: number): KeyCursor {
  if (!Number.isSafeInteger(index) || index < cursor.index) {
    throw new RangeError(`cannot derive K_${index} from K_${cursor.index}: keys only evolve forward`);
  }
  return { index, key: evolveKeyBy(cursor.key, index - cursor.index) };
}

/** The key that seals row `seq`: K_{seq-1}. */
export function keyIndexForSeq(seq: number): number {
  return seq - 1;
}

export function tagFor(key: Uint8Array, hash: string): string {
  if (!HEX_64.test(hash)) throw new TypeError('a row hash is 64 lowercase hex characters');
  return createHmac('sha256', key).update(hash, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex tags. */
export function tagsEqual(a: string, b: string): boolean {
  if (!HEX_64.test(a) || !HEX_64.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

export function checkpointProblem(cp: Checkpoint): string | null {
  if (!Number.isSafeInteger(cp.seq) || cp.seq < 1) return `seq must be a whole number >= 1, got ${String(cp.seq)}`;
  if (typeof cp.hash !== 'string' || !HEX_64.test(cp.hash)) return 'hash must be 64 lowercase hex characters';
  if (typeof cp.tag !== 'string' || !HEX_64.test(cp.tag)) return 'tag must be 64 lowercase hex characters';
  return null;
}

/**
 * Checks a checkpoint's tag from a cursor at or before the key that seals it. Returns the
 * cursor at that key, so the next verification starts there instead of at K_0.
 */
export function verifyCheckpoint(from: KeyCursor, cp: Checkpoint): CheckpointVerdict {
  const problem = checkpointProblem(cp);
  if (problem) return { ok: false, reason: 'malformed', message: problem };
  const index = keyIndexForSeq(cp.seq);
  if (index < from.index) {
    return { ok: false, reason: 'behind_key', message: `row ${cp.seq} is sealed with K_${index}, before the known key K_${from.index}` };
  }
  const cursor = keyAt(from, index);
  if (!tagsEqual(tagFor(cursor.key, cp.hash), cp.tag)) {
    return { ok: false, reason: 'bad_tag', message: `the tag of row ${cp.seq} does not verify with the attempt's key for that row` };
  }
  return { ok: true, cursor };
}

export function encodeKey(key: Uint8Array): string {
  return Buffer.from(key).toString('base64');
}

/** Decodes a base64 key; anything but exactly 32 bytes of canonical base64 is refused. */
export function decodeKey(text: string): Buffer {
  if (typeof text !== 'string' || !BASE64.test(text)) throw new TypeError('a key is base64 text');
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== text) {
    throw new TypeError(`a key is ${KEY_BYTES} bytes in base64 (${Math.ceil(KEY_BYTES / 3) * 4} characters)`);
  }
  return key;
}
