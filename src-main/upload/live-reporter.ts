import { io, type Socket } from 'socket.io-client';
import {
  LIVE_FLAG_EVENT,
  LIVE_RISK_EVENT,
  LiveFlagReportSchema,
  LiveRiskReportSchema,
  type LiveFlagReport,
  type LiveRiskReport,
} from '../contract/live-report';
import type { RiskLevel, RiskState } from '../contract/risk';

/** The Socket.IO event proctor orders arrive on (src-server/proctor-order-routes.ts). */
export const PROCTOR_ORDER_EVENT = 'proctor_order';
const ACK_TIMEOUT_MS = 5_000;

export interface LiveReporterOptions {
  serverUrl: string;
  /** The attempt token from registration. */
  token: string;
  now: () => number;
  /** Signed proctor orders as they arrive; hand them to a ProctorOrderInbox. */
  onOrder?: (signed: unknown) => void;
  log?: (line: string) => void;
  /** Flags kept while offline; the oldest go first beyond this (the outbox still has them). */
  maxPendingFlags?: number;
}

export interface FlagSummary {
  sequence: number;
  level: RiskLevel;
  probability: number;
  patterns: { pattern: string; severity: number; explanation: string }[];
}

export interface LiveReporterStatus {
  connected: boolean;
  /** The latest risk not yet acknowledged, and flags waiting. */
  riskPending: boolean;
  pendingFlags: number;
  /** Flags dropped from a full queue while offline. */
  droppedFlags: number;
  delivered: number;
  /** Reports the server refused (it said why: lastError). */
  refused: number;
  lastError: string | null;
}

type Pending = { kind: 'risk'; report: LiveRiskReport } | { kind: 'flag'; report: LiveFlagReport };

/**
 * Vigil streams live: the session's risk changes and flags go to the exam server as they
 * happen, on the attempt's Socket.IO connection, beside the outbox (which stays the source
 * of truth, so this is best effort with a small buffer). Only the latest risk is worth
 * sending after a gap; flags wait in a bounded queue. Never throws into the session.
 */
export class LiveReporter {
  private socket: Socket | null = null;
  private risk: LiveRiskReport | null = null;
  private riskInFlight = false;
  private readonly flags: LiveFlagReport[] = [];
  private flagsInFlight = 0;
  private dropped = 0;
  private delivered = 0;
  private refused = 0;
  private lastError: string | null = null;
  private readonly maxFlags: number;

  constructor(private readonly opts: LiveReporterOptions) {
    this.maxFlags = opts.maxPendingFlags ?? 100;
  }

  start(): void {
    if (this.socket) return;
    const socket = io(this.opts.serverUrl, { auth: { token: this.opts.token }, transports: ['websocket'] });
    this.socket = socket;
    socket.on('connect', () => this.flush());
    socket.on('connect_error', (e: Error) => this.fail(`live connection: ${e.message}`));
    socket.on(PROCTOR_ORDER_EVENT, (signed: unknown) => this.opts.onOrder?.(signed));
  }

  stop(): void {
    this.socket?.disconnect();
    this.socket = null;
  }

  reportRisk(state: RiskState): void {
    const report = LiveRiskReportSchema.safeParse({
      score: state.score,
      level: state.level,
      locked: state.locked,
      warning: state.warning === null ? null : state.warning.slice(0, 2000),
      reasons: state.reasons.slice(0, 10).map((r) => ({ at: r.at, source: r.source, code: r.code.slice(0, 64), points: r.points, message: r.message.slice(0, 2000) })),
      at: this.opts.now(),
    });
    if (!report.success) return this.fail(`risk report not sent: ${report.error.message}`);
    this.risk = report.data;
    this.flush();
  }

  reportFlag(flag: FlagSummary): void {
    const report = LiveFlagReportSchema.safeParse({
      sequence: flag.sequence,
      level: flag.level,
      probability: flag.probability,
      patterns: flag.patterns.slice(0, 10).map((p) => ({ pattern: p.pattern.slice(0, 64), severity: p.severity, explanation: p.explanation.slice(0, 2000) })),
      at: this.opts.now(),
    });
    if (!report.success) return this.fail(`flag report not sent: ${report.error.message}`);
    this.flags.push(report.data);
    while (this.flags.length > this.maxFlags) {
      this.flags.shift();
      this.dropped++;
    }
    this.flush();
  }

  status(): LiveReporterStatus {
    return {
      connected: this.socket?.connected ?? false,
      riskPending: this.risk !== null,
      pendingFlags: this.flags.length,
      droppedFlags: this.dropped,
      delivered: this.delivered,
      refused: this.refused,
      lastError: this.lastError,
    };
  }

  private flush(): void {
    const socket = this.socket;
    if (!socket?.connected) return;
    if (this.flagsInFlight === 0) {
      const batch = this.flags.splice(0);
      this.flagsInFlight = batch.length;
      for (const report of batch) this.send(socket, { kind: 'flag', report });
    }
    if (this.risk && !this.riskInFlight) {
      this.riskInFlight = true;
      this.send(socket, { kind: 'risk', report: this.risk });
    }
  }

  private send(socket: Socket, item: Pending): void {
    const event = item.kind === 'risk' ? LIVE_RISK_EVENT : LIVE_FLAG_EVENT;
    socket.timeout(ACK_TIMEOUT_MS).emit(event, item.report, (timeout: Error | null, answer?: { ok: boolean; error?: string }) => {
      if (item.kind === 'risk') {
        this.riskInFlight = false;
        // A newer risk may have come meanwhile: only clear the one that was sent.
        if (!timeout && this.risk === item.report) this.risk = null;
      } else {
        this.flagsInFlight--;
        if (timeout) this.flags.unshift(item.report);
      }
      if (timeout) this.fail(`${event} not acknowledged within ${ACK_TIMEOUT_MS} ms; kept for the next try`);
      else if (answer?.ok) this.delivered++;
      else {
        this.refused++;
        this.fail(`the server refused ${event}: ${answer?.error ?? 'no reason given'}`);
      }
      if (!timeout) this.flush();
    });
  }

  private fail(message: string): void {
    this.lastError = message;
    this.opts.log?.(message);
  }
}
