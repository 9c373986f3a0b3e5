import type { Server as HttpServer } from 'node:http';
import { Server as SocketServer, type Socket } from 'socket.io';
import type { RiskState } from '../src-main/contract/risk';
import { coalesceWrites, type EngineConnection } from './coalesce-writes';
import { bearerToken } from './credentials';
import {
  EVENT_REFUSED,
  EVENT_SCHEMAS,
  HIGH_RISK_ALERT,
  INCOMING_EVENTS,
  MAX_EVENT_BYTES,
  focusedOf,
  isIncomingEvent,
  type IncomingEvent,
  type KeySampleIn,
  type MouseSampleIn,
} from './live-events';
import { LIVE_FLAG_EVENT, LIVE_RISK_EVENT, type LiveFlagReport, type LiveRiskReport } from '../src-main/contract/live-report';
import type { LiveScorer } from './live-scorer';
import type { AttemptRecord } from './storage';
import { StreamWindow } from './stream-window';
import { firstCloseDelay } from './window-phase';

export interface LiveStreamOptions {
  httpServer: HttpServer;
  scorer: LiveScorer;
  attemptForToken(token: string): AttemptRecord | null;
  now: () => number;
  /** Streamed events are scored in windows of this length (the app's default, 5 s). */
  windowMs?: number;
  /** Events one connection may send per second; more are refused (the connection stays). */
  maxEventsPerSecond?: number;
}

/** A change of an attempt's live risk, for the proctor's view. */
export interface PresenceChange {
  sessionId: string;
  examId: string;
  online: boolean;
}

export interface RiskChange {
  sessionId: string;
  examId: string;
  studentId: string;
  risk: RiskState;
  previousScore: number;
  /** True when the student was sent high_risk_alert for it. */
  alerted: boolean;
  /** 'app': the Vigil app's own score (vigil_risk); 'stream': the server's score of the seed events. */
  source: 'app' | 'stream';
  /** The event that changed the score, or 'window' for the end of a scored window. */
  trigger: IncomingEvent | 'window';
  at: number;
}

/** One report of the Vigil app (its risk or a flag), as it arrived on its attempt's connection. */
export type AppReportEvent =
  | { sessionId: string; kind: 'risk'; report: LiveRiskReport; receivedAt: number }
  | { sessionId: string; kind: 'flag'; report: LiveFlagReport; receivedAt: number };

export interface StreamCounts {
  received: number;
  accepted: Record<IncomingEvent, number>;
  refused: number;
  alerts: number;
}

export interface LiveStream {
  io: SocketServer;
  /** Events counted per attempt since the server started (for "nothing is lost"). */
  counts(sessionId: string): StreamCounts | null;
  onRiskChange(listener: (change: RiskChange) => void): () => void;
  onPresence(listener: (change: PresenceChange) => void): () => void;
  /** Each app report as it is taken (for keeping them: src-server/live-record.ts). */
  onAppReport(listener: (event: AppReportEvent) => void): () => void;
  /** What the Vigil app last reported for the attempt (its own score and its flags). */
  reported(sessionId: string): AppReport | null;
  /** Whether the attempt has a live connection now. */
  isOnline(sessionId: string): boolean;
  /** Sends an event to every live connection of one attempt. */
  toAttempt(sessionId: string, event: string, data: unknown): void;
  close(): void;
}

export interface AppReport {
  risk: LiveRiskReport | null;
  flags: number;
  lastFlag: LiveFlagReport | null;
}

interface AttemptStream {
  attempt: AttemptRecord;
  window: StreamWindow;
  connections: number;
  /** Each attempt closes its windows at its own phase (window-phase.ts), so 1,000 attempts never score in one burst. */
  timer: NodeJS.Timeout;
}

const zeroAccepted = (): Record<IncomingEvent, number> => Object.fromEntries(INCOMING_EVENTS.map((e) => [e, 0])) as Record<IncomingEvent, number>;

/**
 * The seed's real-time channel on Socket.IO, so a page written for its Flask-SocketIO server
 * works with it: `mouse_data`, `keystroke_data`, `focus_change`, `copy_event`, `paste_event`
 * in, `high_risk_alert` out. A connection proves its attempt with the attempt token
 * (`io(url, { auth: { token } })`, `?token=` or an Authorization header). A bad event is
 * refused on its own (ack `{ok:false,error}` and an `event_refused` event); the connection,
 * the server and everyone else's stream carry on.
 */
export function attachLiveStream(opts: LiveStreamOptions): LiveStream {
  const windowMs = opts.windowMs ?? 5_000;
  const maxPerSecond = opts.maxEventsPerSecond ?? 200;
  const io = new SocketServer(opts.httpServer, { serveClient: false, maxHttpBufferSize: 1e6, cors: { origin: true } });
  io.engine.on('connection', (conn: EngineConnection) => coalesceWrites(conn));
  const streams = new Map<string, AttemptStream>();
  const counts = new Map<string, StreamCounts>();
  // Kept after a disconnect (small: one report and a count per attempt).
  const reports = new Map<string, AppReport>();
  const listeners = new Set<(change: RiskChange) => void>();
  const presence = new Set<(change: PresenceChange) => void>();
  const appReports = new Set<(event: AppReportEvent) => void>();
  const announce = (attempt: AttemptRecord, online: boolean) => {
    for (const l of presence) l({ sessionId: attempt.sessionId, examId: attempt.examId, online });
  };

  io.use((socket, next) => {
    const token = tokenOf(socket);
    if (token === null) return next(new Error('this connection needs the attempt token from registration: io(url, { auth: { token } })'));
    const attempt = opts.attemptForToken(token);
    if (attempt === null) return next(new Error('the attempt token is not valid on this server'));
    socket.data.attempt = attempt;
    next();
  });

  io.on('connection', (socket) => {
    const attempt = socket.data.attempt as AttemptRecord;
    const id = attempt.sessionId;
    void socket.join(`attempt:${id}`);
    let stream = streams.get(id);
    if (!stream) {
      const fresh: AttemptStream = {
        attempt,
        window: new StreamWindow(opts.now()),
        connections: 0,
        timer: setTimeout(() => {
          closeWindow(fresh);
          fresh.timer = setInterval(() => closeWindow(fresh), windowMs).unref();
        }, firstCloseDelay(id, opts.now(), windowMs)).unref(),
      };
      streams.set(id, (stream = fresh));
      announce(attempt, true);
    }
    stream.connections++;
    let c = counts.get(id);
    if (!c) counts.set(id, (c = { received: 0, accepted: zeroAccepted(), refused: 0, alerts: 0 }));
    const tally = c;
    let second = 0;
    let inSecond = 0;

    socket.use((packet, _next) => {
      // Every event ends here: nothing else listens, so nothing else can throw for a bad one.
      const [event, ...rest] = packet as [unknown, ...unknown[]];
      const ack = typeof rest.at(-1) === 'function' ? (rest.pop() as (answer: unknown) => void) : null;
      tally.received++;
      const refuse = (message: string) => {
        tally.refused++;
        ack?.({ ok: false, error: message });
        socket.emit(EVENT_REFUSED, { event: typeof event === 'string' ? event : null, message });
      };
      const now = opts.now();
      if (Math.floor(now / 1000) !== second) {
        second = Math.floor(now / 1000);
        inSecond = 0;
      }
      if (++inSecond > maxPerSecond) return refuse(`more than ${maxPerSecond} events in one second on this connection; slow down`);
      if (typeof event !== 'string' || !isIncomingEvent(event)) {
        return refuse(`unknown event ${JSON.stringify(event)}: this server takes ${INCOMING_EVENTS.join(', ')}`);
      }
      const size = jsonBytes(rest.length <= 1 ? rest[0] : rest);
      if (size > MAX_EVENT_BYTES) return refuse(`${event} payload of ${size} bytes is over the ${MAX_EVENT_BYTES}-byte limit`);
      if (rest.length > 1) return refuse(`${event} takes one payload, got ${rest.length}`);
      const parsed = EVENT_SCHEMAS[event].safeParse(rest[0]);
      if (!parsed.success) return refuse(`malformed ${event}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')}`);
      try {
        take(stream!, event, parsed.data, now);
      } catch (error) {
        return refuse(`${event} could not be taken: ${(error as Error).message}`);
      }
      tally.accepted[event]++;
      ack?.({ ok: true });
    });

    socket.on('disconnect', () => {
      const s = streams.get(id);
      if (s && --s.connections === 0) {
        clearInterval(s.timer);
        streams.delete(id);
        announce(attempt, false);
      }
    });
  });

  function take(stream: AttemptStream, event: IncomingEvent, data: unknown, now: number): void {
    const w = stream.window;
    switch (event) {
      case 'mouse_data':
        for (const p of list(data as MouseSampleIn | MouseSampleIn[])) w.mouse(now, p.x, p.y, p.t ?? p.timestamp ?? null);
        return;
      case 'keystroke_data':
        for (const k of list(data as KeySampleIn | KeySampleIn[])) {
          if ('down' in k) w.key(now, k.up - k.down, null, k.up, k.down);
          else w.key(now, k.dwell, k.flight ?? null, null, null);
        }
        return;
      case 'focus_change':
        // A focus loss costs at once, as in the app; the window's detectors see it too.
        if (w.focus(now, focusedOf(data as Parameters<typeof focusedOf>[0]))) {
          const { risk, previousScore } = opts.scorer.integrity(stream.attempt.sessionId, 'focus_lost', 'reported by the exam page');
          changed(stream.attempt, risk, previousScore, now, 'focus_change');
        }
        return;
      case 'copy_event':
        w.clipboard('copy');
        return;
      case 'paste_event':
        w.clipboard('paste');
        return;
      case LIVE_RISK_EVENT: {
        const report = data as LiveRiskReport;
        for (const l of appReports) l({ sessionId: stream.attempt.sessionId, kind: 'risk', report, receivedAt: now });
        const r = reportOf(stream.attempt.sessionId);
        const previousScore = r.risk?.score ?? 0;
        r.risk = report;
        const risk: RiskState = { score: report.score, level: report.level, locked: report.locked, warning: report.warning, reasons: report.reasons };
        notify({ sessionId: stream.attempt.sessionId, examId: stream.attempt.examId, studentId: stream.attempt.studentId, risk, previousScore, alerted: false, source: 'app', trigger: event, at: now });
        return;
      }
      case LIVE_FLAG_EVENT: {
        for (const l of appReports) l({ sessionId: stream.attempt.sessionId, kind: 'flag', report: data as LiveFlagReport, receivedAt: now });
        const r = reportOf(stream.attempt.sessionId);
        r.flags++;
        r.lastFlag = data as LiveFlagReport;
        if (r.risk) {
          const risk: RiskState = { score: r.risk.score, level: r.risk.level, locked: r.risk.locked, warning: r.risk.warning, reasons: r.risk.reasons };
          notify({ sessionId: stream.attempt.sessionId, examId: stream.attempt.examId, studentId: stream.attempt.studentId, risk, previousScore: risk.score, alerted: false, source: 'app', trigger: event, at: now });
        }
      }
    }
  }

  function reportOf(sessionId: string): AppReport {
    let r = reports.get(sessionId);
    if (!r) reports.set(sessionId, (r = { risk: null, flags: 0, lastFlag: null }));
    return r;
  }

  function notify(change: RiskChange): void {
    for (const l of listeners) l(change);
  }

  /** `trigger`: the event that changed the score, or the end of a scored window. */
  function changed(attempt: AttemptRecord, risk: RiskState, previousScore: number, at: number, trigger: IncomingEvent | 'window'): void {
    if (risk.score === previousScore && !risk.locked) return;
    // The seed alerts when the risk is high: here, when it rises past the policy's first warning, and at the lock.
    const alerted = risk.score > previousScore && (risk.warning !== null || risk.locked);
    if (alerted) {
      io.to(`attempt:${attempt.sessionId}`).emit(HIGH_RISK_ALERT, {
        risk_score: risk.score,
        message: risk.locked ? 'Risk score reached 100: the exam is locked and submitted' : risk.warning,
        level: risk.level,
        locked: risk.locked,
        reasons: risk.reasons,
        trigger,
        at,
      });
      const c = counts.get(attempt.sessionId);
      if (c) c.alerts++;
    }
    notify({ sessionId: attempt.sessionId, examId: attempt.examId, studentId: attempt.studentId, risk, previousScore, alerted, source: 'stream', trigger, at });
  }

  function closeWindow(stream: AttemptStream): void {
    const now = opts.now();
    const scored = opts.scorer.score(stream.attempt.sessionId, stream.window.close(now), true);
    changed(stream.attempt, scored.risk, scored.previousScore, now, 'window');
  }

  return {
    io,
    counts: (sessionId) => {
      const c = counts.get(sessionId);
      return c ? { ...c, accepted: { ...c.accepted } } : null;
    },
    onRiskChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onPresence(listener) {
      presence.add(listener);
      return () => presence.delete(listener);
    },
    onAppReport(listener) {
      appReports.add(listener);
      return () => appReports.delete(listener);
    },
    isOnline: (sessionId) => streams.has(sessionId),
    reported: (sessionId) => {
      const r = reports.get(sessionId);
      return r ? { ...r } : null;
    },
    toAttempt(sessionId, event, data) {
      io.to(`attempt:${sessionId}`).emit(event, data);
    },
    close() {
      for (const stream of streams.values()) clearInterval(stream.timer);
      streams.clear();
      io.disconnectSockets(true);
      // Not io.close(): that closes the http server too, which the exam server closes itself.
      io.engine.close();
    },
  };
}

function tokenOf(socket: Socket): string | null {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string' && auth.token !== '') return auth.token;
  const query = socket.handshake.query.token;
  if (typeof query === 'string' && query !== '') return query;
  const header = socket.handshake.headers.authorization;
  return typeof header === 'string' ? bearerToken(header) : null;
}

function list<T>(v: T | T[]): T[] {
  return Array.isArray(v) ? v : [v];
}

function jsonBytes(v: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
