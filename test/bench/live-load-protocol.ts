// What the live load test's processes say to each other, and the one clock they share.

/**
 * Milliseconds of process.hrtime: CLOCK_MONOTONIC on Linux, one clock for every process on
 * the host, so a send stamped in one process and a receipt stamped in another compare
 * exactly (Date.now would do too on one host, but at 1 ms resolution and open to NTP steps).
 */
export const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export interface StudentPlan {
  url: string;
  students: { index: number; sessionId: string; token: string; phaseMs: number }[];
  ticks: number;
  periodMs: number;
  /** A student leaves the exam window on every tick n with (n + index) % lossEvery === 0. */
  lossEvery: number;
}

export interface StudentResult {
  index: number;
  sessionId: string;
  sent: Record<string, number>;
  acked: number;
  /** hrtime ms of each focus_change {focused:false} just before it was handed to the socket. */
  lossSentAt: number[];
  alerts: { receivedAt: number; trigger: string; at: number }[];
}

export interface ShareResult {
  students: StudentResult[];
  /** hrtime ms when the share stopped looking: alerts after it are not its to count. */
  reportedAt: number;
  cpuMicros: number;
  loopDelay: { p50Ms: number; p99Ms: number; maxMs: number };
  /** How late the ticks fired against their plan (the generator falling behind). */
  tickLateMs: { p99: number; max: number };
}


export interface ServerStats {
  cpuMicros: number;
  loopDelay: { p50Ms: number; p99Ms: number; maxMs: number };
  rssBytes: number;
  received: number;
  refused: number;
  alerts: number;
  accepted: Record<string, number>;
  scored: number;
  /** Turns of the server's event loop that came over 100 ms late: when (hrtime ms) and by how much. */
  stalls: { at: number; lateMs: number }[];
  /** Each alert as the server finished sending it (to the student and the proctors): hrtime ms. */
  alertsEmitted: { sessionId: string; trigger: string; at: number; emittedAt: number }[];
}
