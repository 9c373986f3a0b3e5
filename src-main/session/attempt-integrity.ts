import type { AuditStore } from '../audit/audit-store';
import type { AuditPayload } from '../contract';
import type { AttemptMarker } from './attempt-marker';
import type { RestoredAttempt } from './attempt-restore';

type Finding = AuditPayload<'log_tampered'>;
type Segment = Parameters<AuditStore['recordTampering']>[2];

/** One finding to record, and the segment it starts when the chain itself broke. */
export interface PendingFinding {
  finding: Finding;
  segment?: Segment;
}

export const TAMPERED_NOTICE =
  "This attempt's saved record was changed or damaged outside Vigil. The exam carries on where it can; " +
  'what was found has been recorded and will be reported to your proctor.';

/** Findings go to the server with the flagged activity (the one upload route that takes any report). */
export const findingUpload = (sessionId: string, studentId: string, f: Finding) => ({
  path: `/api/flagged-activity/${encodeURIComponent(sessionId)}/${encodeURIComponent(studentId)}`,
  body: { report: 'log_tampered', sessionId, studentId, ...f },
});

/**
 * Before a resumed attempt trusts its file: the chain (a new break starts a segment), the
 * answers, the queued uploads and the detectors' state against what the chain recorded,
 * and the marker beside the file against the chain's end. Each problem is recorded as a
 * `log_tampered` row queued to the server; the attempt then carries on. Returns what was found.
 */
export function checkResumedAttempt(
  store: AuditStore,
  ctx: { sessionId: string; studentId: string; now: number; marker: AttemptMarker | null; restored?: Pick<RestoredAttempt, 'unreadableRows' | 'notedRows'> },
): Finding[] {
  const pending: PendingFinding[] = [];
  const found = (what: Finding['what'], firstBrokenSeq: number | null, message: string, segment?: Segment) =>
    pending.push({ finding: { at: ctx.now, what, firstBrokenSeq, message }, ...(segment ? { segment } : {}) });

  const chain = store.inspect();
  if (chain.unacknowledged) {
    const b = chain.unacknowledged;
    found('chain', b.seq, `the audit log is broken at row ${b.seq}: ${b.reason}`, {
      brokenSeq: b.seq,
      reason: b.reason,
      previousHead: chain.last,
      replacedFile: null,
    });
  }
  // A row whose hash holds but whose contents Vigil never writes (rehashed by hand): the first new one.
  const unreadable = ctx.restored?.unreadableRows.find((r) => !ctx.restored!.notedRows.includes(r.seq));
  if (unreadable && !chain.unacknowledged) {
    found('chain', unreadable.seq, `row ${unreadable.seq} (${unreadable.kind}) is not what Vigil writes: ${unreadable.problem}`);
  }
  const evidence = store.evidenceProblems();
  for (const p of evidence.answers) found('answer', p.seq, p.message);
  for (const p of evidence.outbox) found('outbox', p.seq, `${p.message}; it will not be sent`);
  for (const p of evidence.engineState) found('engine_state', p.seq, `${p.message}; the detectors start afresh`);

  const { marker } = ctx;
  if (marker && marker.sessionId !== ctx.sessionId) {
    found('database', null, `this computer last ran session ${marker.sessionId} for this exam, but the database holds session ${ctx.sessionId} (another attempt's file?)`);
  } else if (marker?.head && !chain.unacknowledged) {
    const lastSeq = chain.last?.seq ?? 0;
    if (marker.head.seq > lastSeq) {
      found('marker', lastSeq + 1, `the audit log ends at row ${lastSeq}, but this computer last saw row ${marker.head.seq} (rows were cut off)`);
    } else {
      const anchor = store.checkAnchor(marker.head);
      if (!anchor.ok) found('marker', marker.head.seq, anchor.reason);
    }
  }

  recordFindings(store, pending, ctx);
  store.refuseTamperedUploads(ctx.now);
  for (const p of evidence.engineState) store.dropEngineState(p.key);
  // A changed answer stays (it is all there is), now on the record with the finding before it.
  for (const p of evidence.answers) {
    const value = store.answers().find((a) => a.questionId === p.questionId)?.value;
    if (value !== undefined) store.saveAnswer({ questionId: p.questionId, value });
  }
  return pending.map((p) => p.finding);
}

export function recordFindings(store: AuditStore, pending: PendingFinding[], ctx: { sessionId: string; studentId: string }): void {
  for (const p of pending) store.recordTampering(p.finding, findingUpload(ctx.sessionId, ctx.studentId, p.finding), p.segment);
}
