import { randomBytes } from 'node:crypto';
import type { AuditPayload } from '../contract/audit-rows';
import type { AuditChain } from './audit-chain';
import { answerProblems, engineStateProblem, outboxProblems, type EvidenceProblem } from './attempt-evidence';
import { appendWithUpload, encodeUpload, type AppendedEntry, type Upload } from './chained-upload';
import type { EngineStateTable } from './engine-state-table';
import { KEY_BYTES } from './keyed-chain';
import { TAMPERED_PREFIX, type OutboxTable } from './outbox-table';
import type { StoreContext } from './store-context';
import { encodeJson } from './store-context';

/** What does not match the chain, by part of the attempt. */
export interface EvidenceReport {
  answers: (EvidenceProblem & { questionId: string })[];
  outbox: (EvidenceProblem & { outboxId: string })[];
  engineState: (EvidenceProblem & { key: string })[];
}

/** Where a new segment starts after a break (see segment_started in contract/audit-rows.ts). */
export interface SegmentStart {
  brokenSeq: number;
  reason: string;
  previousHead: { seq: number; hash: string } | null;
  replacedFile: string | null;
}

/**
 * The store's side of tampering: comparing what sits beside the chain with what the chain
 * recorded, refusing uploads whose body changed, and writing findings and new segments.
 */
export class AttemptChecks {
  constructor(
    private readonly ctx: StoreContext,
    private readonly chain: AuditChain,
    private readonly outbox: OutboxTable,
    private readonly engineState: EngineStateTable,
  ) {}

  evidenceProblems(): EvidenceReport {
    return this.ctx.read('check the attempt against its chain', () => ({
      answers: answerProblems(this.ctx.db),
      outbox: this.ctx.schemaVersion >= 20 ? outboxProblems(this.ctx.db) : [],
      engineState: this.engineStateProblems(),
    }));
  }

  /**
   * A `log_tampered` row and, in the same transaction, its upload to the server. With
   * `segment`, a `segment_started` row naming the break comes first, so the chain carries on
   * from the last row as found; a key missing or out of step is replaced by a fresh local
   * one (`rekeyed`), since it can no longer be the server's.
   */
  recordTampering(finding: AuditPayload<'log_tampered'>, upload: Upload | null, segment?: SegmentStart): AppendedEntry<'log_tampered'> {
    const uploadRow = upload ? encodeUpload(upload) : undefined;
    const findingText = encodeJson(finding, 'audit payload', true);
    this.chain.validate('log_tampered', finding);
    return this.ctx.transaction('record a finding of tampering', () => {
      if (segment) {
        if (segment.previousHead) this.chain.resetHead(segment.previousHead);
        const rekeyed = !this.chain.keyInStep();
        if (rekeyed) this.chain.rekey(randomBytes(KEY_BYTES));
        this.chain.append('segment_started', { at: finding.at, ...segment, rekeyed });
      }
      return appendWithUpload(this.chain, this.outbox, 'log_tampered', findingText, uploadRow);
    });
  }

  refuseTamperedUploads(now: number): number {
    if (this.ctx.schemaVersion < 20) return 0;
    const problems = this.ctx.read('check the outbox', () => outboxProblems(this.ctx.db));
    for (const p of problems) this.refuseTampered(p.outboxId, this.outbox.raw(p.outboxId)?.path ?? '', now, p.message);
    return problems.length;
  }

  /** Refused for good (never requeued), with an `error` row naming why. */
  refuseTampered(id: string, path: string, at: number, message: string): void {
    const error = `${TAMPERED_PREFIX} ${message}`;
    this.ctx.transaction('refuse a tampered upload', () => {
      this.outbox.setRejected(id, at, error);
      this.chain.append('error', { source: 'upload', outboxId: id, path, error });
    });
  }

  dropEngineState(key: string): void {
    this.engineState.require();
    this.ctx.transaction('drop engine state', () => this.engineState.remove(key));
  }

  /** A state saved before the chain recorded engine state (first row untagged) has no record to miss. */
  engineStateProblem(key: string, text: string): EvidenceProblem | null {
    const problem = engineStateProblem(this.ctx.db, key, text);
    if (problem?.seq === null && !this.chain.keyedFromStart()) return null;
    return problem;
  }

  private engineStateProblems(): (EvidenceProblem & { key: string })[] {
    if (this.ctx.schemaVersion < 30) return [];
    return this.engineState.keys().flatMap((key) => {
      const problem = this.engineStateProblem(key, this.engineState.loadText(key) ?? 'null');
      return problem ? [{ ...problem, key }] : [];
    });
  }
}
