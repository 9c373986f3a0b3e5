import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** Bumped if the hashed encoding ever changes, so old chains still verify under their rules. */
export const HASH_FORMAT = 1;

/** The fields of one audit row that the chain covers, exactly as stored. */
export interface ChainedFields {
  seq: number;
  at: number;
  kind: string;
  /** The stored payload text (canonical JSON), hashed byte for byte. */
  payload: string;
  prevHash: string;
}

export function rowHash(fields: ChainedFields): string {
  const encoded = canonicalJson({
    v: HASH_FORMAT,
    seq: fields.seq,
    at: fields.at,
    kind: fields.kind,
    payload: fields.payload,
    prev: fields.prevHash,
  });
  return createHash('sha256').update(encoded, 'utf8').digest('hex');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
