import { randomUUID } from 'node:crypto';
import type { AuditKind } from '../contract/audit-rows';
import type { AuditChain, AuditRecord } from './audit-chain';
import { AuditStoreError } from './audit-store-error';
import { sha256Hex } from './hash-chain';
import type { OutboxTable } from './outbox-table';
import { encodeJson, requireWellFormed } from './store-context';

/** What append returns: the row, and the outbox id (Idempotency-Key) when an upload was queued. */
export type AppendedEntry<K extends AuditKind = AuditKind> = AuditRecord & { kind: K; outboxId: string | null };

/** An upload for the exam server: its path and JSON body. */
export type Upload = { path: string; body: unknown };

/** Checks the path and encodes the body as the canonical JSON that is stored and hashed. */
export function encodeUpload(upload: Upload): { path: string; body: string } {
  if (typeof upload.path !== 'string' || !upload.path.startsWith('/')) {
    throw new AuditStoreError('invalid_input', `Upload path must start with "/", got ${JSON.stringify(upload.path)}.`);
  }
  requireWellFormed(upload.path, 'The upload path');
  return { path: upload.path, body: encodeJson(upload.body, 'upload body', false) };
}

/**
 * Inside a transaction: the row, its upload, and the upload_queued row holding the sha256 of
 * the body as stored, so the body is under the chain like the row that queued it.
 */
export function appendWithUpload<K extends AuditKind>(
  chain: AuditChain,
  outbox: OutboxTable,
  kind: K,
  payloadText: string,
  uploadRow?: { path: string; body: string },
): AppendedEntry<K> {
  const entry = chain.appendEncoded(kind, payloadText);
  if (!uploadRow) return { ...entry, outboxId: null };
  const id = randomUUID();
  outbox.insert(id, entry.seq, uploadRow.path, uploadRow.body, entry.at);
  chain.append('upload_queued', { outboxId: id, path: uploadRow.path, sha256: sha256Hex(uploadRow.body) });
  return { ...entry, outboxId: id };
}
