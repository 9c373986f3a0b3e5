import { AuditStore } from '../audit/audit-store';
import { recordFindings } from './attempt-integrity';

/** How a local log disagrees with the exam server's last accepted checkpoint. */
export interface CheckpointBreak {
  firstBrokenSeq: number;
  message: string;
}

/**
 * A resumed attempt's file against the exam server's last accepted checkpoint, read before
 * the restore writes anything: a log that ends before that row, or holds another row
 * there, was cut or rewritten since the server saw it. A file that cannot be read is left
 * to the restore's own checks (null here).
 */
export function compareWithServer(file: string, checkpoint: { seq: number; hash: string }): CheckpointBreak | null {
  return readIfReadable(file, (store) => {
    const head = store.head()?.seq ?? 0;
    if (head < checkpoint.seq) {
      return { firstBrokenSeq: head + 1, message: `the audit log ends at row ${head}, below the server's last checkpoint (row ${checkpoint.seq}): rows were cut off` };
    }
    const anchor = store.checkAnchor(checkpoint);
    if (!anchor.ok) return { firstBrokenSeq: checkpoint.seq, message: `${anchor.reason}; the server's checkpoint at row ${checkpoint.seq} no longer matches this log` };
    return null;
  });
}

/** The log's latest wall time (AuditStore.latestWallTime), read before the restore writes; null when unreadable. */
export function latestWallTime(file: string): number | null {
  return readIfReadable(file, (store) => store.latestWallTime());
}

/** Reads the file read-only before the restore writes anything; a file that cannot be read gives null (the restore's own checks judge it). */
function readIfReadable<T>(file: string, read: (store: AuditStore) => T | null): T | null {
  let store: AuditStore;
  try {
    store = AuditStore.open(file, { readonly: true });
  } catch {
    return null;
  }
  try {
    return read(store);
  } catch {
    return null;
  } finally {
    store.close();
  }
}

/** Records the break as `log_tampered` (queued to the server with the flagged activity); the attempt carries on. */
export function recordCheckpointBreak(store: AuditStore, b: CheckpointBreak, ctx: { sessionId: string; studentId: string; now: number }): void {
  recordFindings(store, [{ finding: { at: ctx.now, what: 'chain', firstBrokenSeq: b.firstBrokenSeq, message: b.message } }], ctx);
}
