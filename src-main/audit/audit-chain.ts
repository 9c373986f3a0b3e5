import type { AuditKind, AuditPayload } from '../contract/audit-rows';
import { checkAuditPayload, isAuditKind } from '../contract/audit-rows';
import { AuditStoreError } from './audit-store-error';
import { GENESIS_HASH, rowHash } from './hash-chain';
import type { StoreContext } from './store-context';
import { encodeJson } from './store-context';

interface AuditRowMeta {
  seq: number;
  /** Epoch ms from the store's clock. */
  at: number;
  prevHash: string;
  hash: string;
}

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

  /** Inside a transaction: chains one row whose payload `validate` has passed. */
  appendEncoded<K extends AuditKind>(kind: K, payloadText: string): AuditRecord & { kind: K } {
    const { db } = this.ctx;
    const head = this.readHead();
    const seq = (head?.seq ?? 0) + 1;
    const prevHash = head?.hash ?? GENESIS_HASH;
    const at = Math.round(this.ctx.now());
    const hash = rowHash({ seq, at, kind, payload: payloadText, prevHash });
    db.prepare('INSERT INTO audit (seq, at, kind, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)').run(
      seq,
      at,
      kind,
      payloadText,
      prevHash,
      hash,
    );
    db.prepare(
      'INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
    ).run(seq, hash);
    const payload = JSON.parse(payloadText) as AuditPayload<K>;
    return { valid: true, seq, at, kind, payload, prevHash, hash } as AuditRecord & { kind: K };
  }

  /**
   * The newest row's seq and hash. Sent with the submission, it is an anchor the exam
   * server keeps: a log rewritten afterwards (every hash recomputed, so the chain alone
   * still verifies) no longer holds that row with that hash.
   */
  head(): { seq: number; hash: string } | null {
    return this.ctx.read('read the audit head', () => this.readHead() ?? null);
  }

  /** Walks the whole chain and names the first row that does not fit. */
  verify(): VerifyResult {
    return this.ctx.read('verify the audit chain', () => {
      const { db } = this.ctx;
      const total = (db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n;
      const broken = (firstBrokenSeq: number, reason: string): VerifyResult => ({ ok: false, rows: total, firstBrokenSeq, reason });
      let expectedSeq = 1;
      let prevHash = GENESIS_HASH;
      const rows = db.prepare('SELECT seq, at, kind, payload, prev_hash, hash FROM audit ORDER BY seq').iterate() as IterableIterator<AuditRow>;
      for (const row of rows) {
        if (row.seq !== expectedSeq) {
          return broken(
            expectedSeq,
            row.seq > expectedSeq
              ? `row ${expectedSeq}${row.seq - expectedSeq > 1 ? `..${row.seq - 1}` : ''} missing (row ${row.seq} follows row ${expectedSeq - 1})`
              : `row ${row.seq} out of order`,
          );
        }
        if (row.prev_hash !== prevHash) {
          return broken(row.seq, `prev_hash does not match the hash of row ${row.seq - 1}`);
        }
        const expected = rowHash({ seq: row.seq, at: row.at, kind: row.kind, payload: row.payload, prevHash: row.prev_hash });
        if (row.hash !== expected) {
          return broken(row.seq, 'hash does not match the row contents (the row was changed)');
        }
        prevHash = row.hash;
        expectedSeq++;
      }
      const head = this.readHead();
      const lastSeq = expectedSeq - 1;
      if ((head?.seq ?? 0) !== lastSeq || (head !== undefined && head.hash !== prevHash)) {
        return broken(lastSeq + 1, `the chain ends at row ${lastSeq} but its head records row ${head?.seq ?? 0} (rows removed from the end?)`);
      }
      return { ok: true, rows: total };
    });
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
        .prepare('SELECT seq, at, kind, payload, prev_hash, hash FROM audit WHERE seq > ? ORDER BY seq LIMIT ?')
        .all(afterSeq, limit) as AuditRow[],
    );
  }

  private readHead(): { seq: number; hash: string } | undefined {
    return this.ctx.db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
  }
}

function parseRow(row: AuditRow): AuditRecord | InvalidAuditRecord {
  const meta = { seq: row.seq, at: row.at, prevHash: row.prev_hash, hash: row.hash };
  const invalid = (payload: unknown, problem: string): InvalidAuditRecord => ({ ...meta, valid: false, kind: row.kind, payload, problem });
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload) as unknown;
  } catch {
    return invalid(row.payload, 'the payload is not JSON');
  }
  if (!isAuditKind(row.kind)) return invalid(payload, `unknown audit kind ${JSON.stringify(row.kind)}`);
  const check = checkAuditPayload(row.kind, payload);
  if (!check.ok) return invalid(payload, `the payload does not fit the ${row.kind} schema: ${check.problem}`);
  return { ...meta, valid: true, kind: row.kind, payload: check.payload } as AuditRecord;
}

function toEntry(record: AuditRecord | InvalidAuditRecord): AuditEntry {
  const { seq, at, kind, prevHash, hash } = record;
  if (record.valid) return { seq, at, kind, payload: record.payload as Record<string, unknown>, prevHash, hash };
  const raw = record.payload;
  // Export keeps the shape it always had (an object payload); text that is not an object is kept whole.
  const payload =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw)
      ? (raw as Record<string, unknown>)
      : { unparseable: typeof raw === 'string' && record.problem === 'the payload is not JSON' ? raw : JSON.stringify(raw) };
  return { seq, at, kind, payload, prevHash, hash, problem: record.problem };
}
