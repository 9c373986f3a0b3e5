import type { RawEvent, RawEventSource } from '../../contract/activity';
import type { IntegrityObservation } from '../../contract/integrity-observation';
import type { IntegrityPolicy } from '../../contract/policy-integrity';
import { IntegrityMonitor, type IntegrityMonitorOptions } from './integrity-monitor';

export interface IntegritySourceOptions extends IntegrityMonitorOptions {
  log?: (line: string) => void;
  /** Injected-input reports of one device are summed over this long (the first is passed at once). */
  coalesceMs?: number;
}

/**
 * The integrity monitor as one of the session's raw event sources: every observation
 * becomes a `{kind:'integrity'}` RawEvent. Injected input arrives every 250 ms while it
 * lasts; here it is summed per device so the audit log gets one row per burst step, not four
 * a second. An exception from the consumer is logged, never thrown back into the native
 * callback (which would end the process).
 */
export class IntegritySource implements RawEventSource {
  readonly name = 'integrity-monitor';
  private readonly monitor: IntegrityMonitor;
  private readonly pending = new Map<string, { o: Extract<IntegrityObservation, { kind: 'synthetic_input' }>; timer: NodeJS.Timeout }>();
  private emit: ((e: RawEvent) => void) | null = null;

  constructor(
    policy: IntegrityPolicy,
    private readonly opts: IntegritySourceOptions = {},
  ) {
    this.monitor = new IntegrityMonitor(policy, opts);
  }

  start(emit: (event: RawEvent) => void): void {
    this.emit = emit;
    this.monitor.start((o) => (o.kind === 'synthetic_input' ? this.coalesce(o) : this.send(o)));
  }

  stop(): void {
    this.monitor.stop();
    for (const { o, timer } of this.pending.values()) {
      clearTimeout(timer);
      if (o.count > 0) this.send(o);
    }
    this.pending.clear();
    this.emit = null;
  }

  private coalesce(o: Extract<IntegrityObservation, { kind: 'synthetic_input' }>): void {
    const key = `${o.device}\u0000${o.allowedBy ?? ''}`;
    const open = this.pending.get(key);
    if (open) {
      open.o = { ...open.o, t: o.t, count: open.o.count + o.count, keys: open.o.keys + o.keys, buttons: open.o.buttons + o.buttons, motions: open.o.motions + o.motions };
      return;
    }
    // The first report of a burst goes out now (its time is the evidence); what follows is summed.
    this.send(o);
    const timer = setTimeout(() => this.flush(key), this.opts.coalesceMs ?? 5000);
    timer.unref();
    this.pending.set(key, { o: { ...o, count: 0, keys: 0, buttons: 0, motions: 0 }, timer });
  }

  private flush(key: string): void {
    const open = this.pending.get(key);
    this.pending.delete(key);
    if (open && open.o.count > 0) {
      this.send(open.o);
      // Still injecting: keep summing in the next period.
      const timer = setTimeout(() => this.flush(key), this.opts.coalesceMs ?? 5000);
      timer.unref();
      this.pending.set(key, { o: { ...open.o, count: 0, keys: 0, buttons: 0, motions: 0 }, timer });
    }
  }

  private send(o: IntegrityObservation): void {
    try {
      this.emit?.({ kind: 'integrity', t: o.t, observation: o });
    } catch (e) {
      this.opts.log?.(`integrity-monitor: an observation was not taken: ${(e as Error).message}`);
    }
  }
}
