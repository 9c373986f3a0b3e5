import { createHash, hash } from 'node:crypto';
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
  // One-shot hash: no Hash object per row (verify runs this on every row).
  return hash('sha256', encodeRow(fields), 'hex');
}

/**
 * The canonical JSON of a row's hashed fields. Written out by hand (keys already in order)
 * because verify runs it on every row; it is the same text canonicalJson gives, which the
 * fallback and the unit test hold it to.
 */
function encodeRow(fields: ChainedFields): string {
  const { seq, at, kind, payload, prevHash } = fields;
  if (Number.isFinite(seq) && Number.isFinite(at) && typeof kind === 'string' && typeof payload === 'string' && typeof prevHash === 'string') {
    return `{"at":${JSON.stringify(at)},"kind":${JSON.stringify(kind)},"payload":${JSON.stringify(payload)},"prev":${JSON.stringify(prevHash)},"seq":${JSON.stringify(seq)},"v":${HASH_FORMAT}}`;
  }
  return canonicalRow(fields);
}

/** The reference encoding (and the one that refuses what JSON cannot hold). */
export function canonicalRow(fields: ChainedFields): string {
  return canonicalJson({
    v: HASH_FORMAT,
    seq: fields.seq,
    at: fields.at,
    kind: fields.kind,
    payload: fields.payload,
    prev: fields.prevHash,
  });
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
