import type { IntegrityObservation, IntegritySource, RawEvent, RawEventSource } from '../contract';

export interface EventSourcesOptions {
  sources: readonly RawEventSource[];
  /** The OS watcher and the shell's power events. */
  integritySources?: readonly IntegritySource[];
  /** Where every event of every started source goes. */
  route: (event: RawEvent) => void;
  /** Where every integrity observation goes. */
  observe?: (o: IntegrityObservation) => void;
  /** A source that would not start: the exam goes on without it, and the proctor sees why. */
  onStartFailure: (what: string, e: unknown) => void;
  log: (line: string) => void;
}

/**
 * The event producers of one attempt: raw activity (input hook, system sampler) and
 * integrity observations (OS watcher, power events). Starting is per source: one that fails
 * is reported and left out, the others run. Only the ones that started are stopped, each once.
 */
export class EventSources {
  private readonly started: { name: string; stop(): void }[] = [];

  constructor(private readonly opts: EventSourcesOptions) {}

  start(): void {
    for (const source of this.opts.sources) {
      this.startOne(source, () => source.start((event) => this.opts.route(event)));
    }
    for (const source of this.opts.integritySources ?? []) {
      this.startOne(source, () => source.start((o) => this.opts.observe?.(o)));
    }
  }

  stop(): void {
    for (const source of this.started.splice(0)) {
      try {
        source.stop();
      } catch (e) {
        this.opts.log(`stopping ${source.name} failed: ${String(e)}`);
      }
    }
  }

  private startOne(source: { name: string; stop(): void }, start: () => void): void {
    try {
      start();
      this.started.push(source);
    } catch (e) {
      this.opts.onStartFailure(`starting ${source.name}`, e);
    }
  }
}
