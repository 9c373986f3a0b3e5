import { SteadyTimeline } from '../clock/steady-timeline';
import type { Scheduler } from '../contract/clock';
import { fullJitterDelay } from './backoff';
import type { OutboxItem, OutboxPort } from '../contract/outbox';
import { classifyResponse, type DeliveryOutcome } from './server-response';

export interface OutboxRelayOptions {
  outbox: OutboxPort;
  /** Exam server base URL; null keeps everything queued locally. */
  serverUrl: string | null;
  scheduler: Scheduler;
  fetch?: typeof globalThis.fetch;
  /** Source of jitter, [0, 1). */
  random?: () => number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often the started relay looks for due items. */
  pollMs?: number;
  batchSize?: number;
  requestTimeoutMs?: number;
  /** The Config Key of the policy in force, sent as `vigil-config-key` so the server can refuse another policy. */
  configKey?: string | null;
  /**
   * The attempt token from registration, sent as `Authorization: Bearer <token>` with every
   * upload; the exam server refuses uploads of a registered attempt without it. Null for an
   * attempt that was never registered (demo mode, or started offline and not escrowed yet).
   */
  token?: string | null | (() => string | null);
  /**
   * Whether an item may be sent now. An offline-started attempt holds its other uploads
   * back until its key escrow has registered it and brought the token (session/key-escrow.ts);
   * a held item is not tried and keeps its place. Default: every due item may go.
   */
  mayDeliver?: (item: OutboxItem) => boolean;
  /** Told after an item is marked delivered, with the server's parsed answer (the escrow's carries the token). */
  onDelivered?: (item: OutboxItem, answer: unknown) => void;
  /**
   * Told when status().lastError changes (a failure starts, changes, or clears), so the
   * session can log it and tell the student their answers are queued. Not per retry.
   */
  onStatusChange?: (status: RelayStatus) => void;
}

export interface RelayStatus {
  pending: number;
  lastError: string | null;
  serverUrl: string | null;
}

/**
 * Posts due outbox items to the exam server, oldest first, each with its id as the
 * Idempotency-Key. An item is marked delivered only after a 2xx that acknowledges its key;
 * transient failures back off with full jitter (per item, and the whole relay pauses so a
 * down server gets one probe, not one request per item); other 4xx are recorded as
 * rejected with the server's message. Nothing is ever deleted. Never throws. Order is not
 * promised across failures: an item in backoff can be overtaken by a newer one.
 */
export class OutboxRelay {
  private readonly outbox: OutboxPort;
  private readonly serverUrl: string | null;
  private readonly scheduler: Scheduler;
  private readonly fetch: typeof globalThis.fetch;
  private readonly random: () => number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly requestTimeoutMs: number;
  private readonly configHeader: Record<string, string>;
  private readonly onStatusChange: ((status: RelayStatus) => void) | undefined;
  private readonly token: () => string | null;
  private readonly mayDeliver: (item: OutboxItem) => boolean;
  private readonly onDelivered: ((item: OutboxItem, answer: unknown) => void) | undefined;
  private reportedError: string | null = null;

  /** Cleared by the next delivery: the server is reachable again. */
  private lastError: string | null = null;
  /** Stays until the relay is recreated: a refused upload needs a person's attention. */
  private lastRejection: string | null = null;
  private consecutiveFailures = 0;
  /** On `time`: a wall clock set back must not hold the relay (or an item) for an hour. */
  private pausedUntil = 0;
  /** Due times, pauses and retry times; the wall clock (scheduler.now()) only for records. */
  private readonly time: SteadyTimeline;
  private cancelTimers: (() => void)[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private busy = false;
  private passAbort: AbortController | null = null;

  constructor(opts: OutboxRelayOptions) {
    this.outbox = opts.outbox;
    this.serverUrl = opts.serverUrl ? opts.serverUrl.replace(/\/+$/, '') : null;
    this.scheduler = opts.scheduler;
    this.time = new SteadyTimeline(opts.scheduler);
    this.fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.random = opts.random ?? Math.random;
    this.baseDelayMs = opts.baseDelayMs ?? 1000;
    this.maxDelayMs = opts.maxDelayMs ?? 60_000;
    this.pollMs = opts.pollMs ?? 1000;
    this.batchSize = opts.batchSize ?? 25;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.configHeader = opts.configKey ? { 'vigil-config-key': opts.configKey } : {};
    this.onStatusChange = opts.onStatusChange;
    const token = opts.token ?? null;
    this.token = typeof token === 'function' ? token : () => token;
    this.mayDeliver = opts.mayDeliver ?? (() => true);
    this.onDelivered = opts.onDelivered;
  }

  /** Starts polling for due items (no-op without a server, or when already started). */
  start(): void {
    if (this.cancelTimers.length > 0 || this.serverUrl === null) return;
    this.cancelTimers.push(
      this.scheduler.after(0, () => this.tick()),
      this.scheduler.every(this.pollMs, () => this.tick()),
    );
  }

  /** Stops polling and abandons an in-flight request (its item stays pending, attempts unchanged). */
  stop(): void {
    for (const cancel of this.cancelTimers) cancel();
    this.cancelTimers = [];
    this.passAbort?.abort();
  }

  /** Tries every due item now (after any pass already running). Resolves, never rejects. */
  flush(): Promise<{ delivered: number; failed: number }> {
    const run = this.queue.then(() => this.pass());
    this.queue = run.catch(() => undefined);
    return run;
  }

  status(): RelayStatus {
    let pending = 0;
    try {
      pending = this.outbox.outboxCounts().pending;
    } catch (error) {
      this.lastError = `outbox unreadable: ${message(error)}`;
    }
    return { pending, lastError: this.lastError ?? this.lastRejection, serverUrl: this.serverUrl };
  }

  private tick(): void {
    if (this.busy || this.time.notBeforeWall() < this.pausedUntil) return;
    void this.flush();
  }

  private async pass(): Promise<{ delivered: number; failed: number }> {
    const counts = { delivered: 0, failed: 0 };
    if (this.serverUrl === null) return counts;
    this.busy = true;
    const abort = new AbortController();
    this.passAbort = abort;
    const seen = new Set<string>();
    try {
      for (;;) {
        const items = this.outbox.dueOutbox(this.time.notBeforeWall(), this.batchSize).filter((i) => !seen.has(i.id));
        if (items.length === 0) return counts;
        for (const item of items) {
          seen.add(item.id);
          if (!this.mayDeliver(item)) continue;
          const { answer, ...outcome } = await this.deliver(this.serverUrl, item, abort.signal);
          if (abort.signal.aborted) return counts;
          const at = this.scheduler.now();
          switch (outcome.kind) {
            case 'delivered':
              this.outbox.markDelivered(item.id, at);
              counts.delivered++;
              this.consecutiveFailures = 0;
              this.lastError = null;
              this.tellDelivered(item, answer);
              break;
            case 'rejected':
              this.outbox.markRejected(item.id, at, outcome.error);
              counts.failed++;
              this.lastRejection = `${item.path} rejected: ${outcome.error}`;
              break;
            case 'retry': {
              const backoff = { baseMs: this.baseDelayMs, maxMs: this.maxDelayMs, random: this.random };
              const serverWait = Math.min(outcome.retryAfterMs ?? 0, this.maxDelayMs);
              const itemDelay = Math.max(fullJitterDelay(item.attempts + 1, backoff), serverWait);
              const due = this.time.notBeforeWall();
              this.outbox.markFailed(item.id, at, outcome.error, due + itemDelay);
              counts.failed++;
              this.lastError = outcome.error;
              this.consecutiveFailures++;
              this.pausedUntil = due + Math.max(fullJitterDelay(this.consecutiveFailures, backoff), serverWait);
              // The server is struggling: stop this pass instead of sending it everything else.
              return counts;
            }
          }
        }
      }
    } catch (error) {
      // Storage trouble (disk, closed database): keep the message for status(), never throw.
      this.lastError = `outbox storage: ${message(error)}`;
      return counts;
    } finally {
      this.busy = false;
      if (this.passAbort === abort) this.passAbort = null;
      this.reportChange();
    }
  }

  private reportChange(): void {
    const current = this.lastError ?? this.lastRejection;
    if (current === this.reportedError || this.onStatusChange === undefined) return;
    this.reportedError = current;
    try {
      this.onStatusChange(this.status());
    } catch {
      // A listener's bug must not stop uploads.
    }
  }

  private tellDelivered(item: OutboxItem, answer: string | undefined): void {
    if (!this.onDelivered) return;
    try {
      this.onDelivered(item, answer === undefined ? null : (JSON.parse(answer) as unknown));
    } catch (error) {
      // The item is delivered either way; a listener's failure is reported, never thrown.
      this.lastError = `after delivering ${item.path}: ${message(error)}`;
    }
  }

  private async deliver(serverUrl: string, item: OutboxItem, stop: AbortSignal): Promise<DeliveryOutcome & { answer?: string }> {
    const url = serverUrl + item.path;
    const signal = AbortSignal.any([stop, AbortSignal.timeout(this.requestTimeoutMs)]);
    const token = this.token();
    try {
      const response = await this.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'idempotency-key': item.id,
          ...this.configHeader,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(item.body),
        redirect: 'manual',
        signal,
      });
      const text = await response.text();
      const outcome = classifyResponse({ status: response.status, text, retryAfter: response.headers.get('retry-after') }, item.id);
      return outcome.kind === 'delivered' ? { ...outcome, answer: text } : outcome;
    } catch (error) {
      const timedOut = signal.aborted && !stop.aborted;
      return {
        kind: 'retry',
        error: timedOut ? `no answer from ${url} within ${this.requestTimeoutMs} ms` : `cannot reach ${url}: ${networkCause(error)}`,
        retryAfterMs: null,
      };
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** undici hides the useful part (ECONNREFUSED, ECONNRESET...) in `cause`. */
function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return message(error);
}
