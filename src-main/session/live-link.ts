import type { AuditStore } from '../audit/audit-store';
import type { RiskState } from '../contract';
import { SignedProctorOrderSchema, type ProctorOrder } from '../contract/proctor-order';
import { LiveReporter, type FlagSummary } from '../upload/live-reporter';
import { ProctorOrderInbox } from '../upload/proctor-orders';

export interface LiveLinkOptions {
  serverUrl: string;
  sessionId: string;
  token: string;
  /** From registration: the key every proctor order must be signed with. */
  serverPublicKey: string;
  store: AuditStore;
  now: () => number;
  /** An order that verified and is newer than the last one applied: the session carries it out. */
  onApply: (order: ProctorOrder) => void;
  onError: (what: string, e: unknown) => void;
  log: (line: string) => void;
  fetch?: typeof globalThis.fetch;
}

const PULL_TIMEOUT_MS = 10_000;

/** What earlier runs of the attempt applied, read back from its audit rows. */
export interface AppliedOrders {
  lastSeq: number;
  /** The proctor's pause in force (the last lock not followed by an unlock). */
  hold: { reason: string } | null;
}

/**
 * The attempt's live line to the exam server (issue 12): risk changes and flags go out as
 * they happen (best effort; the outbox stays the source of truth), and proctor orders come in,
 * each checked by the inbox and audited whatever the verdict, before the session applies it.
 */
export class LiveLink {
  private readonly reporter: LiveReporter;
  private readonly inbox: ProctorOrderInbox;
  private stopped = false;

  constructor(
    private readonly opts: LiveLinkOptions,
    applied: AppliedOrders,
  ) {
    this.inbox = new ProctorOrderInbox(opts.serverPublicKey, opts.sessionId, opts.now, applied.lastSeq);
    this.reporter = new LiveReporter({
      serverUrl: opts.serverUrl,
      token: opts.token,
      now: opts.now,
      onOrder: (signed) => this.receive(signed),
      onConnect: () => void this.pull(),
      log: opts.log,
    });
  }

  start(): void {
    this.reporter.start();
  }

  stop(): void {
    this.stopped = true;
    this.reporter.stop();
  }

  reportRisk(state: RiskState): void {
    this.reporter.reportRisk(state);
  }

  reportFlag(flag: FlagSummary): void {
    this.reporter.reportFlag(flag);
  }

  /** Every order that arrives (live or pulled): audited, then applied when the inbox says so. */
  receive(signed: unknown): void {
    if (this.stopped) return;
    const verdict = this.inbox.receive(signed);
    if (verdict.kind === 'duplicate') return;
    try {
      this.opts.store.append('proctor_order', verdict.audit);
    } catch (e) {
      // Unrecorded, an order would leave no proof of who paused or extended: it is not applied.
      this.opts.onError('recording a proctor order', e);
      return;
    }
    if (verdict.kind === 'refuse') {
      this.opts.log(`proctor order refused: ${verdict.audit.refusal ?? 'no reason'}`);
      return;
    }
    this.opts.onApply(verdict.order);
  }

  /**
   * Orders given while this attempt was offline (or before it connected) are only on the
   * server: fetched at each connection, the ones newer than the last applied go through receive.
   */
  private async pull(): Promise<void> {
    const { serverUrl, sessionId, token } = this.opts;
    try {
      const res = await (this.opts.fetch ?? fetch)(`${serverUrl}/api/sessions/${encodeURIComponent(sessionId)}/orders`, {
        headers: { accept: 'application/json', authorization: `Bearer ${token}` },
        redirect: 'manual',
        signal: AbortSignal.timeout(PULL_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`the server answered ${res.status}`);
      const body = (await res.json()) as { orders?: unknown };
      if (!Array.isArray(body.orders)) throw new Error('the answer has no list of orders');
      for (const signed of body.orders) {
        const seen = SignedProctorOrderSchema.safeParse(signed);
        // Already applied ones would only be refused again as replays: no need to audit them twice.
        if (seen.success && seen.data.order.seq <= this.inbox.lastAppliedSeq) continue;
        this.receive(signed);
      }
    } catch (e) {
      // The live copy still comes over the socket; the next connection tries again.
      this.opts.log(`fetching proctor orders: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** The orders this attempt applied before a restart, so a replay stays refused and a pause stays in force. */
export function appliedOrders(store: AuditStore): AppliedOrders {
  const applied: AppliedOrders = { lastSeq: 0, hold: null };
  for (const record of store.records()) {
    if (!record.valid || record.kind !== 'proctor_order') continue;
    const row = record.payload;
    if (row.outcome !== 'applied' || !row.order) continue;
    applied.lastSeq = Math.max(applied.lastSeq, row.order.seq);
    if (row.order.action === 'lock') applied.hold = { reason: row.order.reason };
    if (row.order.action === 'unlock') applied.hold = null;
  }
  return applied;
}

/** Starts the live link of a registered attempt; null without a server or without its order key. */
export function startLiveLink(
  serverUrl: string | null | undefined,
  server: { sessionId: string; token: string; serverPublicKey: string | null } | null,
  rest: Omit<LiveLinkOptions, 'serverUrl' | 'sessionId' | 'token' | 'serverPublicKey'>,
  applied: AppliedOrders,
): LiveLink | null {
  if (!serverUrl || !server?.serverPublicKey) return null;
  try {
    const link = new LiveLink({ ...rest, serverUrl, sessionId: server.sessionId, token: server.token, serverPublicKey: server.serverPublicKey }, applied);
    link.start();
    return link;
  } catch (e) {
    // A key that cannot be read: the exam goes on without the live line (the outbox still delivers).
    rest.onError('starting the live connection', e);
    return null;
  }
}
