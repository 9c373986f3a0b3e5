import type { RawEvent, RawEventSource } from '../contract';

export interface EventSourcesOptions {
  sources: readonly RawEventSource[];
  /** Where every event of every started source goes (integrity observations included). */
  route: (event: RawEvent) => void;
  /** A source that would not start: the exam goes on without it, and the proctor sees why. */
  onStartFailure: (what: string, e: unknown) => void;
  log: (line: string) => void;
}

/**
 * The event producers of one attempt: raw activity (input hook, system sampler) and
 * integrity observations (integrity monitor, power events). Starting is per source: one that
 * fails is reported and left out, the others run. Only the ones that started are stopped, each once.
 */
export class EventSources {
  private readonly started: RawEventSource[] = [];

  constructor(private readonly opts: EventSourcesOptions) {}

  start(): void {
    for (const source of this.opts.sources) {
      try {
        source.start((event) => this.opts.route(event));
        this.started.push(source);
      } catch (e) {
        this.opts.onStartFailure(`starting ${source.name}`, e);
      }
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
}
