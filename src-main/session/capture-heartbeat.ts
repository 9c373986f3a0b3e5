import type { AuditStore } from '../audit/audit-store';

const HEARTBEAT_KEY = 'heartbeat';

/**
 * Says how long capture was off after an unclean exit. While the exam runs, the time is
 * saved every few seconds (engine state, outside the chain: it is overwritten, not
 * appended); a start whose last run did not end with session_closed reads it back and
 * records the gap as an integrity finding.
 */
export class CaptureHeartbeat {
  constructor(private readonly store: AuditStore) {}

  beat(at: number): void {
    this.store.saveEngineState(HEARTBEAT_KEY, { at });
  }

  /** Records the gap since the last heartbeat; returns the gap in ms (null: no heartbeat was ever saved). */
  recordGap(now: number): number | null {
    const saved = this.store.loadEngineState(HEARTBEAT_KEY);
    const last = typeof saved === 'object' && saved !== null && typeof (saved as { at?: unknown }).at === 'number' ? (saved as { at: number }).at : null;
    const gapMs = last === null ? null : Math.max(0, now - last);
    const message =
      last === null || gapMs === null
        ? 'Vigil was not closed cleanly and left no heartbeat: how long capture was off is unknown.'
        : `Vigil was not closed cleanly: capture was off for about ${Math.round(gapMs / 1000)} s (last heartbeat ${new Date(last).toISOString()}).`;
    this.store.append('integrity_finding', { at: now, kind: 'capture_gap', message, evidence: { lastHeartbeat: last, gapMs } });
    return gapMs;
  }
}
