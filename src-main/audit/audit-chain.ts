import type { AuditKind, AuditPayload, AuditPayloadCheck } from '../contract/audit-rows';
import { checkAuditPayload, isAuditKind } from '../contract/audit-rows';
import { AuditStoreError } from './audit-store-error';
import { randomBytes } from 'node:crypto';
import { inspectChain, type ChainInspection } from './chain-verifier';
import { GENESIS_HASH, rowHash } from './hash-chain';
import { evolveKey, evolveKeyBy, KEY_BYTES, tagFor, type Checkpoint } from './keyed-chain';
import type { StoreContext } from './store-context';
import { encodeJson } from './store-context';

interface AuditRowMeta {
  seq: number;
  /** Epoch ms from the store's clock. */
  at: number;
  prevHash: string;
  hash: string;
  /** HMAC of `hash` under the row's key; null on rows written before the chain was keyed. */
  tag?: string | null;
}

const HEAD_UPSERT =
  'INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash';

/** The schema that keyed the chain (tag column, chain_key table). */
export const KEYED_SINCE = 40;

/**
 * One row as export and tests see it: the payload parsed with its kind's schema. A row that
 * does not fit (unknown kind, not JSON, wrong fields) keeps what it holds and says why in
 * `problem`; it is never reshaped into something that fits.
 */
export interface AuditEntry extends AuditRowMeta {
  kind: string;
  payload: Record<string, unknown>;
  problem?: string;
}

/** A row that fits its schema, typed by its kind: switch on `kind` to narrow `payload`. */
export type AuditRecord = { [K in AuditKind]: AuditRowMeta & { valid: true; kind: K; payload: AuditPayload<K> } }[AuditKind];

/** A row that does not fit its schema (a tampered, garbled or foreign row). */
export interface InvalidAuditRecord extends AuditRowMeta {
  valid: false;
  kind: string;
  /** The stored payload as found (the text itself when it is not JSON). */
  payload: unknown;
  problem: string;
}

export type VerifyResult =
  | { ok: true; rows: number }
  | { ok: false; rows: number; firstBrokenSeq: number; reason: string };

interface AuditRow {
  seq: number;
  at: number;
  kind: string;
  payload: string;
  prev_hash: string;
  hash: string;
  tag: string | null;
}

/** The hash-chained audit table and its head. Writes run inside the caller's transaction. */
export class AuditChain {
  constructor(private readonly ctx: StoreContext) {}

  /** Refuses an unknown kind or a payload that does not fit its kind's schema. */
  validate(kind: AuditKind, payload: unknown): void {
    if (!isAuditKind(kind)) {
      throw new AuditStoreError('invalid_input', `Unknown audit kind ${JSON.stringify(kind)}.`);
    }
    const check = checkAuditPayload(kind, payload);
    if (!check.ok) {
      throw new AuditStoreError('invalid_input', `The ${kind} audit payload does not fit its schema: ${check.problem}`);
    }
  }

  /** Inside a transaction: validates and chains one row. */
  append<K extends AuditKind>(kind: K, payload: AuditPayload<K>): AuditRecord & { kind: K } {
    const text = encodeJson(payload, 'audit payload', true);
    this.validate(kind, payload);
    return this.appendEncoded(kind, text);
  }

  /**
   * Inside a transaction: chains one row whose payload `validate` has passed, seals it with
   * the current key and replaces that key with its evolution, so the key that sealed this
   * row is gone once the transaction commits.
   */
  appendEncoded<K extends AuditKind>(kind: K, payloadText: string): AuditRecord & { kind: K } {
    const head = this.readHead();
    const seq = (head?.seq ?? 0) + 1;
    const prevHash = head?.hash ?? GENESIS_HASH;
    const at = this.ctx.time();
    const hash = rowHash({ seq, at, kind, payload: payloadText, prevHash });
    // A file nobody gave a key (one migrated from schema 30, a bare store in a test) gets a
    // local one: its tags then prove nothing to anyone else, which docs/trust.md says.
    const key = this.currentKey() ?? this.installKeyAt(randomBytes(KEY_BYTES), seq - 1);
    const tag = tagFor(key, hash);
    this.ctx.stmt('INSERT INTO audit (seq, at, kind, payload, prev_hash, hash, tag) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      seq,
      at,
      kind,
      payloadText,
      prevHash,
      hash,
      tag,
    );
    this.ctx.stmt(HEAD_UPSERT).run(seq, hash);
    this.ctx.stmt('UPDATE chain_key SET key_index = ?, key = ? WHERE id = 1').run(seq, evolveKey(key));
    this.ctx.secretReplaced();
    const payload = JSON.parse(payloadText) as AuditPayload<K>;
    return { valid: true, seq, at, kind, payload, prevHash, hash, tag } as AuditRecord & { kind: K };
  }

  /**
   * Inside a transaction: installs K_0 for a chain that has no key yet, evolved to the key
   * of the next row. Refuses to replace a key: that would let whoever calls it re-seal.
   */
  installKey(k0: Buffer): void {
    if (this.hasKey()) throw new AuditStoreError('invalid_input', 'This attempt already has a key; it cannot be replaced.');
    if (k0.length !== KEY_BYTES) throw new AuditStoreError('invalid_input', `K_0 must be ${KEY_BYTES} bytes.`);
    const headSeq = this.readHead()?.seq ?? 0;
    this.installKeyAt(evolveKeyBy(k0, headSeq), headSeq);
  }

  /** Inside a transaction: a new segment's fresh key, sealing the row after the head. */
  rekey(key: Buffer): void {
    const old = this.ctx.db.prepare('SELECT sealed_from FROM chain_key WHERE id = 1').get() as { sealed_from: number } | undefined;
    this.ctx.db.prepare('DELETE FROM chain_key').run();
    const index = this.readHead()?.seq ?? 0;
    this.installKeyAt(key, index, old?.sealed_from ?? index + 1);
    this.ctx.secretReplaced(true);
  }

  /** Inside a transaction: whether the stored key is there and is the key of the row after the head. */
  keyInStep(): boolean {
    const row = this.ctx.db.prepare('SELECT key_index, length(key) AS n FROM chain_key WHERE id = 1').get() as
      | { key_index: number; n: number }
      | undefined;
    return row !== undefined && row.n === KEY_BYTES && row.key_index === (this.readHead()?.seq ?? 0);
  }

  /** Inside a transaction: after a break, the next row follows the last row as found. */
  resetHead(head: { seq: number; hash: string }): void {
    this.ctx.stmt(HEAD_UPSERT).run(head.seq, head.hash);
  }

  /** Whether the first row is sealed: the attempt began under the keyed chain (schema 40). */
  keyedFromStart(): boolean {
    if (this.ctx.schemaVersion < KEYED_SINCE) return false;
    const row = this.ctx.db.prepare('SELECT tag FROM audit ORDER BY seq LIMIT 1').get() as { tag: string | null } | undefined;
    return row?.tag != null;
  }

  hasKey(): boolean {
    return this.ctx.db.prepare('SELECT 1 FROM chain_key WHERE id = 1').get() !== undefined;
  }

  /** Checkpoint `{seq, hash, tag}` of row `seq` (default: the head), or null when there is no such sealed row. */
  checkpoint(seq?: number): Checkpoint | null {
    return this.ctx.read('read a checkpoint', () => {
      const target = seq ?? this.readHead()?.seq;
      if (target === undefined) return null;
      const row = this.ctx.db.prepare('SELECT seq, hash, tag FROM audit WHERE seq = ?').get(target) as
        | { seq: number; hash: string; tag: string | null }
        | undefined;
      return row && row.tag !== null ? { seq: row.seq, hash: row.hash, tag: row.tag } : null;
    });
  }

  /** The whole-chain walk (chain-verifier.ts); tags are checked when K_0 is given. */
  inspect(k0?: Buffer): ChainInspection {
    const keyed = this.ctx.schemaVersion >= KEYED_SINCE;
    return this.ctx.read('verify the audit chain', () => inspectChain(this.ctx.db, { keyed, ...(k0 ? { k0 } : {}) }));
  }

  private currentKey(): Buffer | undefined {
    const row = this.ctx.stmt('SELECT key FROM chain_key WHERE id = 1').get() as { key: Buffer } | undefined;
    return row?.key;
  }

  /** K_index becomes the current key; rows from `sealedFrom` (default: the next) must carry tags. */
  private installKeyAt(key: Buffer, index: number, sealedFrom = index + 1): Buffer {
    this.ctx.db.prepare('INSERT INTO chain_key (id, key_index, key, sealed_from) VALUES (1, ?, ?, ?)').run(index, key, sealedFrom);
    return key;
  }

  /**
   * The newest row's seq and hash. Sent with the submission, it is an anchor the exam
   * server keeps: a log rewritten afterwards (every hash recomputed, so the chain alone
   * still verifies) no longer holds that row with that hash.
   */
  head(): { seq: number; hash: string } | null {
    return this.ctx.read('read the audit head', () => this.readHead() ?? null);
  }

  /**
   * Walks the whole chain and names the first row that does not fit, including a break an
   * earlier restore already recorded (the log was tampered with all the same).
   */
  /** AuditStore.latestWallTime: max(at), or the last row's at with the net recorded set-back added back. */
  latestWallTime(): number | null {
    const row = this.ctx
      .stmt(
        `SELECT max(at) AS maxAt, (SELECT at FROM audit ORDER BY seq DESC LIMIT 1) AS lastAt,
                (SELECT coalesce(sum(json_extract(payload, '$.sizeMs')), 0) FROM audit WHERE kind = 'clock_jump') AS netJump
         FROM audit`,
      )
      .get() as { maxAt: number | null; lastAt: number | null; netJump: number };
    if (row.maxAt === null || row.lastAt === null) return null;
    return Math.max(row.maxAt, row.lastAt - Math.min(0, row.netJump));
  }

  verify(k0?: Buffer): VerifyResult {
    const found = this.inspect(k0);
    const first = [...found.acknowledged, ...(found.unacknowledged ? [found.unacknowledged] : [])][0];
    return first ? { ok: false, rows: found.rows, firstBrokenSeq: first.seq, reason: first.reason } : { ok: true, rows: found.rows };
  }

  /** Checks that row `seq` still has the hash a third party recorded for it. */
  checkAnchor(anchor: { seq: number; hash: string }): { ok: true } | { ok: false; reason: string } {
    const [row] = this.rows(anchor.seq - 1, 1);
    if (!row || row.seq !== anchor.seq) return { ok: false, reason: `row ${anchor.seq}, which the anchor names, is missing` };
    if (row.hash !== anchor.hash) return { ok: false, reason: `row ${anchor.seq} differs from the copy anchored elsewhere (the log was rewritten)` };
    return { ok: true };
  }

  /** Rows after `afterSeq`, oldest first, each parsed with its kind's schema. */
  records(opts: { afterSeq?: number; limit?: number } = {}): (AuditRecord | InvalidAuditRecord)[] {
    return this.rows(opts.afterSeq ?? 0, opts.limit ?? -1).map(parseRow);
  }

  entries(opts: { afterSeq?: number; limit?: number } = {}): AuditEntry[] {
    return this.records(opts).map(toEntry);
  }

  private rows(afterSeq: number, limit: number): AuditRow[] {
    return this.ctx.read('read audit rows', () =>
      this.ctx.db
        .prepare(
          `SELECT seq, at, kind, payload, prev_hash, hash, ${this.ctx.schemaVersion >= KEYED_SINCE ? 'tag' : 'NULL AS tag'}
           FROM audit WHERE seq > ? ORDER BY seq LIMIT ?`,
        )
        .all(afterSeq, limit) as AuditRow[],
    );
  }

  private readHead(): { seq: number; hash: string } | undefined {
    return this.ctx.stmt('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
  }
}

function parseRow(row: AuditRow): AuditRecord | InvalidAuditRecord {
  const meta = { seq: row.seq, at: row.at, prevHash: row.prev_hash, hash: row.hash, tag: row.tag };
  return { ...meta, ...parseAuditPayload(row.kind, row.payload) } as AuditRecord | InvalidAuditRecord;
}

/** A row's kind and payload as `records` reads them, apart from its place in the chain. */
export type ParsedPayload =
  | { [K in AuditKind]: { valid: true; kind: K; payload: AuditPayload<K> } }[AuditKind]
  | { valid: false; kind: string; payload: unknown; problem: string };

/**
 * Parses one stored payload with its kind's schema; a payload that does not fit keeps what
 * it holds and says why. `check` is the schema check (zod's, or one proven to agree with it).
 */
export function parseAuditPayload(
  kind: string,
  text: string,
  check: <K extends AuditKind>(kind: K, payload: unknown) => AuditPayloadCheck<K> = checkAuditPayload,
): ParsedPayload {
  let payload: unknown;
  try {
    payload = JSON.parse(text) as unknown;
  } catch {
    return { valid: false, kind, payload: text, problem: 'the payload is not JSON' };
  }
  if (!isAuditKind(kind)) return { valid: false, kind, payload, problem: `unknown audit kind ${JSON.stringify(kind)}` };
  const result = check(kind, payload);
  if (!result.ok) return { valid: false, kind, payload, problem: `the payload does not fit the ${kind} schema: ${result.problem}` };
  return { valid: true, kind, payload: result.payload } as ParsedPayload;
}

function toEntry(record: AuditRecord | InvalidAuditRecord): AuditEntry {
  const { seq, at, kind, prevHash, hash, tag } = record;
  if (record.valid) return { seq, at, kind, payload: record.payload as Record<string, unknown>, prevHash, hash, tag };
  const raw = record.payload;
  // Export keeps the shape it always had (an object payload); text that is not an object is kept whole.
  const payload =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw)
      ? (raw as Record<string, unknown>)
      : { unparseable: typeof raw === 'string' && record.problem === 'the payload is not JSON' ? raw : JSON.stringify(raw) };
  return { seq, at, kind, payload, prevHash, hash, tag, problem: record.problem };
}
