// What the live load test's processes say to each other, and the one clock they share.
import { readFileSync } from 'node:fs';

/**
 * Milliseconds of process.hrtime: CLOCK_MONOTONIC on Linux, one clock for every process on
 * the host, so a send stamped in one process and a receipt stamped in another compare
 * exactly (Date.now would do too on one host, but at 1 ms resolution and open to NTP steps).
 */
export const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * This thread's time on a CPU and waiting for one (the run queue), in ms, from the kernel's
 * /proc/thread-self/schedstat; null where there is none. Waiting is time the process wanted to
 * run and the machine had no core for it: the share of a delay that is not the process's doing.
 */
export function schedstat(): { ranMs: number; waitedMs: number } | null {
  try {
    const [ran, waited] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return { ranMs: ran! / 1e6, waitedMs: waited! / 1e6 };
  } catch {
    return null;
  }
}

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
  /** The main thread's time on a CPU and waiting for one during the run. */
  sched: { ranMs: number; waitedMs: number } | null;
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
  stalls: { at: number; lateMs: number; waitedMs: number | null }[];
  sched: { ranMs: number; waitedMs: number } | null;
  /** Each alert as the server finished sending it (to the student and the proctors): hrtime ms. */
  alertsEmitted: { sessionId: string; trigger: string; at: number; emittedAt: number }[];
}
