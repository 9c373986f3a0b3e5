import type { AuditStore } from '../audit/audit-store';
import { recordFindings } from './attempt-integrity';

/**
 * A resumed attempt against the exam server's last accepted checkpoint: a local log that
 * ends before that row, or holds another row there, was cut or rewritten since the server
 * saw it. Recorded as `log_tampered` (naming the row) and queued to the server; the attempt
 * carries on. Returns whether it found something.
 */
export function checkAgainstServer(
  store: AuditStore,
  checkpoint: { seq: number; hash: string },
  ctx: { sessionId: string; studentId: string; now: number },
): boolean {
  const head = store.head()?.seq ?? 0;
  let message: string | null = null;
  if (head < checkpoint.seq) {
    message = `the audit log ends at row ${head}, below the server's last checkpoint (row ${checkpoint.seq}): rows were cut off`;
  } else {
    const anchor = store.checkAnchor(checkpoint);
    if (!anchor.ok) message = `${anchor.reason}; the server's checkpoint at row ${checkpoint.seq} no longer matches this log`;
  }
  if (message === null) return false;
  const firstBrokenSeq = Math.min(head + 1, checkpoint.seq);
  recordFindings(store, [{ finding: { at: ctx.now, what: 'chain', firstBrokenSeq, message } }], ctx);
  return true;
}
