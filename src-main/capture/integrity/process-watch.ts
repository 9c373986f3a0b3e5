import type { ProhibitedCategory } from '../../contract/policy-integrity';
import { type ProhibitedMatch, ProhibitedMatcher } from './prohibited-matcher';
import { ProcessScanner, type ScannedProcess } from './process-scanner';

export interface ProhibitedProcess {
  t: number;
  pid: number;
  executable: string | null;
  name: string;
  category: ProhibitedCategory;
  /** The policy entry that matched and what it matched (executable path or name, comm, argv[0]). */
  entry: string;
  via: ProhibitedMatch['via'];
}

export interface ProcessWatchOptions {
  lists: Record<ProhibitedCategory, readonly string[]>;
  /** Names of accommodation programs (synthetic-input allow-list) whose presence is tracked. */
  accommodations?: readonly string[];
  scanMs: number;
  fullRescanSeconds: number;
  onProhibited: (p: ProhibitedProcess) => void;
  /** A scan failed (once per run of failures): the watch is blind until it recovers. */
  onError: (reason: string) => void;
  scanner?: ProcessScanner;
  now?: () => number;
}

/**
 * Watches for prohibited programs: a full look once at start, then only new processes
 * (ProcessScanner), each matched against the policy's lists. One application is reported
 * once: helpers it spawns under the same program (browser-style child processes) are not.
 */
export class ProcessWatch {
  private readonly matcher: ProhibitedMatcher;
  private readonly accommodationMatcher: ProhibitedMatcher | null;
  private readonly scanner: ProcessScanner;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private lastFull = 0;
  private failing = false;
  /** Live prohibited processes by pid (reported or covered by a reported parent). */
  private readonly matched = new Map<number, { entry: string; executable: string | null; reported: ProhibitedProcess | null }>();
  private readonly accommodations = new Map<number, string>();

  constructor(private readonly opts: ProcessWatchOptions) {
    this.matcher = new ProhibitedMatcher(opts.lists);
    const acc = opts.accommodations ?? [];
    this.accommodationMatcher = acc.length > 0 ? new ProhibitedMatcher({ ...emptyLists(), automation: acc }) : null;
    this.scanner = opts.scanner ?? new ProcessScanner();
    this.now = opts.now ?? Date.now;
  }

  /** Looks at every process once (reporting what is prohibited), then at new ones every scanMs. */
  start(): void {
    if (this.timer) return;
    this.safely(() => this.full());
    this.timer = setInterval(() => this.tick(), this.opts.scanMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Prohibited applications running now (one per application). */
  running(): ProhibitedProcess[] {
    this.forgetExited();
    return [...this.matched.values()].flatMap((m) => (m.reported ? [m.reported] : []));
  }

  /** Program names of the prohibited processes running now (the remote-session probe looks for servers among them). */
  runningNames(): { pid: number; name: string }[] {
    return this.running().map((p) => ({ pid: p.pid, name: p.name }));
  }

  /** Names of accommodation programs running now. */
  runningAccommodations(): string[] {
    for (const pid of this.accommodations.keys()) if (!this.scanner.alive(pid)) this.accommodations.delete(pid);
    return [...new Set(this.accommodations.values())];
  }

  get scannerStats() {
    return this.scanner.stats;
  }

  /** One scan now (the timer calls this; tests and the bench may too). */
  tick(): void {
    this.safely(() => {
      const fullEvery = this.opts.fullRescanSeconds * 1000;
      if (fullEvery > 0 && this.now() - this.lastFull >= fullEvery) {
        this.full();
        return;
      }
      for (const p of this.scanner.poll()) this.consider(p);
      if (this.matched.size > 0 || this.accommodations.size > 0) this.forgetExited();
    });
  }

  private full(): void {
    this.lastFull = this.now();
    const all = this.scanner.all();
    const live = new Set(all.map((p) => p.pid));
    for (const pid of this.matched.keys()) if (!live.has(pid)) this.matched.delete(pid);
    for (const pid of this.accommodations.keys()) if (!live.has(pid)) this.accommodations.delete(pid);
    // Parents first, so a child of an already-matched parent is recognised as its helper.
    all.sort((a, b) => a.pid - b.pid);
    for (const p of all) this.consider(p);
  }

  private consider(p: ScannedProcess): void {
    const acc = this.accommodationMatcher?.match(p);
    if (acc) this.accommodations.set(p.pid, acc.entry);
    const m = this.matcher.match(p);
    if (!m) {
      this.matched.delete(p.pid); // it may have exec'd away from a prohibited program
      return;
    }
    const known = this.matched.get(p.pid);
    if (known && known.entry === m.entry && known.executable === p.executable) return;
    const parent = this.matched.get(p.ppid);
    if (parent && parent.entry === m.entry) {
      this.matched.set(p.pid, { entry: m.entry, executable: p.executable, reported: null });
      return;
    }
    const reported: ProhibitedProcess = {
      t: this.now(),
      pid: p.pid,
      executable: p.executable,
      name: m.name,
      category: m.category,
      entry: m.entry,
      via: m.via,
    };
    this.matched.set(p.pid, { entry: m.entry, executable: p.executable, reported });
    this.opts.onProhibited(reported);
  }

  private forgetExited(): void {
    for (const pid of this.matched.keys()) if (!this.scanner.alive(pid)) this.matched.delete(pid);
  }

  private safely(fn: () => void): void {
    try {
      fn();
      this.failing = false;
    } catch (e) {
      if (!this.failing) this.opts.onError(`process watch: ${(e as Error).message}`);
      this.failing = true;
    }
  }
}

function emptyLists(): Record<ProhibitedCategory, readonly string[]> {
  return {
    ai_assistant: [],
    remote_control: [],
    screen_capture: [],
    communication: [],
    virtual_machine: [],
    debugger: [],
    automation: [],
  };
}
