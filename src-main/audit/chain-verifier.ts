import type Database from 'better-sqlite3';
import { GENESIS_HASH, rowHash } from './hash-chain';
import { KeyWalker } from './key-walker';

/** One place where the chain stops holding together. */
export interface ChainBreak {
  seq: number;
  reason: string;
}

/**
 * What a walk over the whole chain found. A break followed by a `segment_started` row that
 * names it is `acknowledged` (it was found and recorded before); any other is the attempt's
 * first `unacknowledged` break, a new finding.
 */
export interface ChainInspection {
  rows: number;
  acknowledged: ChainBreak[];
  unacknowledged: ChainBreak | null;
  /** Rows written before the chain was keyed (schema 40): no tag to check. */
  untaggedRows: number;
  /** Whether tags were checked against a K_0, and up to which row (a rekeyed segment ends it). */
  tags: { checked: false } | { checked: true; throughSeq: number };
  /** The last row as stored (whether or not it is trusted). */
  last: { seq: number; hash: string } | null;
}

/** One row as the walk reads it: raw arrays, since it runs over every row (seq, kind, at, payload, prev_hash, hash, tag). */
type RawRow = [number, string, number, string, string, string, string | null];

/**
 * Walks every row in seq order: seq continuity, prev_hash links, each row's hash, the tags
 * (present from the first keyed row on, and, given K_0, each one verified with the key of
 * its row), then the head table and the stored key's index against the last row. After a
 * break, rows are skipped until a `segment_started` row restarts the chain.
 */
export function inspectChain(db: Database.Database, opts: { k0?: Buffer; keyed: boolean }): ChainInspection {
  const rows = db.prepare(`SELECT seq, kind, at, payload, prev_hash, hash, ${opts.keyed ? 'tag' : 'NULL AS tag'} FROM audit ORDER BY seq`);
  const acknowledged: ChainBreak[] = [];
  let unacknowledged: ChainBreak | null = null;
  let broken: ChainBreak | null = null;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  let untaggedRows = 0;
  let seenTag = false;
  let walker: KeyWalker | null = opts.k0 ? new KeyWalker(opts.k0) : null;
  let tagsThrough = 0;
  // The last row as stored, kept in two variables: an object per row was measurable garbage.
  let lastSeq = 0;
  let lastHash: string | null = null;
  const keyRow = opts.keyed
    ? (db.prepare('SELECT key_index, sealed_from FROM chain_key WHERE id = 1').get() as { key_index: number; sealed_from: number } | undefined)
    : undefined;
  const sealedFrom = keyRow?.sealed_from ?? Number.POSITIVE_INFINITY;
  const breakAt = (seq: number, reason: string) => {
    broken = { seq, reason };
  };

  for (const [seq, kind, at, payload, rowPrev, hash, tag] of rows.raw().iterate() as IterableIterator<RawRow>) {
    count++;
    lastSeq = seq;
    lastHash = hash;
    if (kind === 'segment_started' && (broken !== null || seq !== expectedSeq || rowPrev !== prevHash)) {
      const claim = segmentClaim(payload);
      const pending = broken as ChainBreak | null;
      if (pending && claim?.brokenSeq === pending.seq) acknowledged.push(pending);
      else if (pending) unacknowledged ??= pending;
      else if (claim) acknowledged.push({ seq: claim.brokenSeq, reason: claim.reason });
      else unacknowledged ??= { seq, reason: 'a segment_started row that does not say which break it follows' };
      broken = null;
      expectedSeq = seq;
      prevHash = rowPrev;
      if (claim?.rekeyed) walker = null;
    }
    if (broken) continue;
    if (seq !== expectedSeq) {
      breakAt(
        expectedSeq,
        seq > expectedSeq
          ? `row ${expectedSeq}${seq - expectedSeq > 1 ? `..${seq - 1}` : ''} missing (row ${seq} follows row ${expectedSeq - 1})`
          : `row ${seq} out of order`,
      );
      continue;
    }
    if (rowPrev !== prevHash) {
      breakAt(seq, `prev_hash does not match the hash of row ${seq - 1}`);
      continue;
    }
    if (hash !== rowHash({ seq, at, kind, payload, prevHash: rowPrev })) {
      breakAt(seq, 'hash does not match the row contents (the row was changed)');
      continue;
    }
    if (tag === null) {
      if (seenTag || seq >= sealedFrom) {
        breakAt(seq, 'the row has no tag, though earlier rows are sealed (its tag was removed)');
        continue;
      }
      untaggedRows++;
    } else {
      seenTag = true;
      if (walker) {
        // Rows are consecutive here, so one evolution per row; a segment may jump further.
        walker.advanceTo(seq - 1);
        // A plain comparison: the verifier holds K_0 and answers no one, so timing reveals nothing.
        // `hash` equals the row hash computed just above: 64 lowercase hex characters.
        if (walker.tagOfComputedHash(hash) !== tag) {
          breakAt(seq, "the tag does not verify with the attempt's key for this row (the row was re-sealed)");
          continue;
        }
        tagsThrough = seq;
      }
    }
    prevHash = hash;
    expectedSeq++;
  }

  if (broken === null) {
    const endSeq = expectedSeq - 1;
    const head = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
    if ((head?.seq ?? 0) !== endSeq || (head !== undefined && head.hash !== prevHash)) {
      breakAt(endSeq + 1, `the chain ends at row ${endSeq} but its head records row ${head?.seq ?? 0} (rows removed from the end?)`);
    } else if (opts.keyed && (seenTag || keyRow) && keyRow?.key_index !== endSeq) {
      breakAt(
        endSeq + 1,
        keyRow ? `the stored key is for row ${keyRow.key_index + 1} but the chain ends at row ${endSeq}` : 'the chain is sealed but its key is missing',
      );
    }
  }
  if (broken) unacknowledged ??= broken;
  return {
    rows: count,
    acknowledged,
    unacknowledged,
    untaggedRows,
    tags: opts.k0 ? { checked: true, throughSeq: tagsThrough } : { checked: false },
    last: lastHash === null ? null : { seq: lastSeq, hash: lastHash },
  };
}

function segmentClaim(payload: string): { brokenSeq: number; reason: string; rekeyed: boolean } | null {
  try {
    const p = JSON.parse(payload) as { brokenSeq?: unknown; reason?: unknown; rekeyed?: unknown };
    if (typeof p.brokenSeq !== 'number' || typeof p.reason !== 'string') return null;
    return { brokenSeq: p.brokenSeq, reason: p.reason, rekeyed: p.rekeyed === true };
  } catch {
    return null;
  }
}
