import type { AuditStore } from '../audit/audit-store';
import type { Scheduler, SubmissionReceipt } from '../contract';
import { OutboxRelay, type OutboxRelayOptions } from '../upload/outbox-relay';

export interface SubmissionDeliveryOptions {
  store: AuditStore;
  /** Exam server base URL; null keeps every upload queued on this computer. */
  serverUrl: string | null;
  /** The attempt token from registration, or where it will come from (OutboxRelayOptions.token). */
  token?: OutboxRelayOptions['token'];
  /** OutboxRelayOptions.mayDeliver / onDelivered: an offline attempt's key escrow (key-escrow.ts). */
  mayDeliver?: OutboxRelayOptions['mayDeliver'];
  onDelivered?: OutboxRelayOptions['onDelivered'];
  scheduler: Scheduler;
  /** The policy's Config Key, sent with every upload (src-main/exam/config-key.ts). */
  configKey?: string | null;
  /** A resumed attempt's submission and the audit row its upload was written with; null until the exam is submitted. */
  submitted: { receipt: SubmissionReceipt; seq: number | null } | null;
  /** Something the student sees may have changed (the upload notice, a delivery). */
  onChange: () => void;
  log: (line: string) => void;
}

const UNREACHABLE_NOTICE =
  'The exam server cannot be reached right now. Your answers are saved on this computer and will be uploaded when it is back.';
const NO_SERVER_NOTICE = 'No exam server is configured: your answers are saved on this computer and queued for upload.';
/** How often a submitted attempt looks whether the server has acknowledged its submission. */
const DELIVERY_WATCH_MS = 2000;

/**
 * Getting the attempt's uploads to the exam server: the relay that posts the outbox, one
 * more chance for uploads the server refused, the notice the student sees while the server
 * is unreachable, and the submission's receipt, marked delivered once the server has it.
 */
export class SubmissionDelivery {
  private readonly relay: OutboxRelay;
  private unreachable: string | null = null;
  private readonly cancelWatch: Array<() => void> = [];
  private stopped = false;
  private submitted: { receipt: SubmissionReceipt; seq: number | null } | null;

  constructor(private readonly opts: SubmissionDeliveryOptions) {
    this.submitted = opts.submitted;
    this.relay = new OutboxRelay({
      outbox: opts.store,
      serverUrl: opts.serverUrl,
      token: opts.token ?? null,
      ...(opts.mayDeliver ? { mayDeliver: opts.mayDeliver } : {}),
      ...(opts.onDelivered ? { onDelivered: opts.onDelivered } : {}),
      scheduler: opts.scheduler,
      configKey: opts.configKey ?? null,
      onStatusChange: (status) => {
        // A pass queued before stop() finds the database closed: not an upload problem.
        if (this.stopped) return;
        this.unreachable = status.lastError ? UNREACHABLE_NOTICE : null;
        if (status.lastError) opts.log(`upload: ${status.lastError}`);
        this.refresh();
        opts.onChange();
      },
    });
  }

  /**
   * Requeues refused uploads (when there is a server to retry them), starts the relay, and
   * watches a resumed submission the server does not have yet.
   */
  start(): void {
    // Each start gives refused uploads one more chance: the refusal may have been the
    // server's configuration, fixed since (the audit keeps both the refusal and the retry).
    if (this.opts.serverUrl && this.opts.store.requeueRejected(this.opts.scheduler.now()) > 0) {
      this.opts.log('requeued uploads the server had refused');
    }
    this.relay.start();
    this.refresh();
    if (this.submitted && !this.submitted.receipt.delivered) this.watch();
  }

  receipt(): SubmissionReceipt | null {
    return this.submitted?.receipt ?? null;
  }

  /** The submission was written (audit row `seq`): deliver it now, and watch for the server's acknowledgement. */
  track(receipt: SubmissionReceipt, seq: number): void {
    this.submitted = { receipt, seq };
    this.watch();
    void this.flush().catch((e) => this.opts.log(`upload after submission failed: ${String(e)}`));
  }

  /** A lasting notice for the student, or null: without a server nothing leaves this computer. */
  standingNotice(): string | null {
    return this.opts.serverUrl ? null : NO_SERVER_NOTICE;
  }

  /** While the server cannot be reached: what the student is told. */
  uploadNotice(): string | null {
    return this.unreachable;
  }

  /** Delivers queued uploads now (tests, and the shell before quitting). */
  async flush(): Promise<{ delivered: number; failed: number }> {
    const result = await this.relay.flush();
    if (!this.stopped && this.refresh()) this.opts.onChange();
    return result;
  }

  stop(): void {
    this.stopped = true;
    for (const cancel of this.cancelWatch.splice(0)) cancel();
    this.relay.stop();
  }

  /** Marks the receipt delivered once the server has acknowledged the submission; true if it changed. */
  private refresh(): boolean {
    const { submitted } = this;
    if (!submitted || submitted.receipt.delivered || submitted.seq === null) return false;
    const item = this.opts.store.outboxItems().find((o) => o.auditSeq === submitted.seq);
    if (item?.state !== 'delivered') return false;
    this.submitted = { ...submitted, receipt: { ...submitted.receipt, delivered: true } };
    return true;
  }

  /** The relay delivers in the background; tell the student when the server has it. */
  private watch(): void {
    const stopWatching = this.opts.scheduler.every(DELIVERY_WATCH_MS, () => {
      try {
        if (this.refresh()) this.opts.onChange();
      } catch (e) {
        this.opts.log(`checking the submission's delivery failed: ${String(e)}`);
      }
      if (this.submitted?.receipt.delivered) stopWatching();
    });
    this.cancelWatch.push(stopWatching);
  }
}
