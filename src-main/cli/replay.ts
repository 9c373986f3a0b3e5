/**
 * Replays a recorded keystroke stream through the real pipeline: activity windowing,
 * flag orchestrator and session risk ledger, on a simulated clock.
 *
 *   npm run --silent replay -- EVENTS.jsonl[.gz]
 *
 * Input: the keystroke data format (../shared/data/keystroke/README.md), one JSON object per
 * line {"user","window","key","down","up"}; one session (one or more windows). Gzip is
 * recognised by its magic bytes. Key names are reduced to category and zone on reading, as
 * capture does.
 *
 * Output (stdout, nothing else): one line per package
 *   {"t":<package end, input ms>,"level":"clean","probability":0.0123,"patterns":[],"sessionRisk":0}
 * and a final {"summary":{...,"maxRisk":N,"autoSubmitted":bool,"flags":N}}.
 * Malformed lines are skipped and counted (summary.skippedLines, details on stderr).
 */
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { createGunzip } from 'node:zlib';
import { ActivityWindower } from '../activity/activity-windower';
import { classifyKeyName } from '../capture/key-classes';
import type { ActivityPackage } from '../contract/activity';
import type { FlagFile } from '../contract/flag-file';
import { defaultPolicy, type Policy } from '../contract/policy';
import type { RiskLevel } from '../contract/risk';
import { FlagOrchestrator, type PatternName } from '../detection/orchestrator';
import { RiskLedger } from '../detection/risk-ledger';

export interface KeyRecord {
  user?: string;
  window?: string;
  key: string;
  down: number;
  up: number;
}

export interface ReplayLine {
  t: number;
  level: RiskLevel;
  probability: number;
  patterns: PatternName[];
  sessionRisk: number;
}

export interface ReplaySummary {
  packages: number;
  keystrokes: number;
  /** Distinct `user` values seen; the input is replayed as one session whatever it says. */
  users: number;
  skippedLines: number;
  /** Packages per pattern that fired. */
  patternCounts: Partial<Record<PatternName, number>>;
  /** End time (input ms) of the first package where each pattern fired. */
  firstPatternAt: Partial<Record<PatternName, number>>;
  maxLevel: RiskLevel;
  maxRisk: number;
  autoSubmitted: boolean;
  flags: number;
}

const LEVEL_RANK: Record<RiskLevel, number> = { clean: 0, low: 1, medium: 2, high: 3, critical: 4 };
const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/**
 * One replayed session. Feed keystrokes in recorded order with push(); finish() closes the
 * last window and returns the summary. Lines go to `emit` as packages close.
 */
export class ReplaySession {
  private windower: ActivityWindower | null = null;
  private now = 0;
  /** Made with the first record, which names the student the flag files carry. */
  private orchestrator: FlagOrchestrator | null = null;
  private readonly classifier: Policy['classifier'];
  private readonly ledger: RiskLedger;
  private readonly windowMs: number;
  private studentId = 'replay-student';
  private lastTime = Number.NEGATIVE_INFINITY;
  private readonly users = new Set<string>();
  private readonly summary: ReplaySummary = {
    packages: 0,
    keystrokes: 0,
    users: 0,
    skippedLines: 0,
    patternCounts: {},
    firstPatternAt: {},
    maxLevel: 'clean',
    maxRisk: 0,
    autoSubmitted: false,
    flags: 0,
  };

  constructor(
    private readonly emit: (line: ReplayLine) => void,
    policy: Policy = defaultPolicy(),
    private readonly sessionId = 'replay',
  ) {
    this.windowMs = policy.windowSeconds * 1000;
    this.classifier = policy.classifier;
    this.ledger = new RiskLedger(policy.ledger, policy.classifier.thresholds);
  }

  push(rec: KeyRecord): void {
    if (this.windower === null) {
      this.windower = new ActivityWindower({ sessionId: this.sessionId, windowMs: this.windowMs, startAt: rec.down });
      if (rec.user !== undefined) this.studentId = rec.user;
      this.orchestrator = new FlagOrchestrator({
        policy: this.classifier,
        clock: { now: () => this.now },
        sessionId: this.sessionId,
        studentId: this.studentId,
      });
    }
    // Time only moves forward; a late record still lands in the open window (the windower clamps it).
    if (rec.down > this.lastTime) {
      this.lastTime = rec.down;
      this.drain(rec.down);
    }
    if (rec.user !== undefined && !this.users.has(rec.user)) {
      this.users.add(rec.user);
      this.summary.users = this.users.size;
    }
    const { category, zone } = classifyKeyName(rec.key);
    this.windower.push({ kind: 'key', sample: { category, zone, down: rec.down, up: rec.up } });
    this.summary.keystrokes++;
    this.lastTime = Math.max(this.lastTime, rec.up);
  }

  /** The flag files the orchestrator produced (its bounded cache). */
  recentFlags(): readonly FlagFile[] {
    return this.orchestrator?.recentFlags() ?? [];
  }

  countMalformedLine(): void {
    this.summary.skippedLines++;
  }

  finish(): ReplaySummary {
    // Close the window holding the last event, and no more.
    if (this.windower !== null) this.drain(this.lastTime + this.windowMs);
    return { ...this.summary };
  }

  private drain(at: number): void {
    for (const pkg of this.windower!.drain(at)) this.process(pkg);
  }

  private process(pkg: ActivityPackage): void {
    this.now = pkg.endedAt;
    const r = this.orchestrator!.processPackage(pkg);
    const risk = this.ledger.recordDetection(r, pkg.endedAt);
    const s = this.summary;
    s.packages++;
    if (r.shouldFlag) s.flags++;
    if (LEVEL_RANK[r.riskLevel] > LEVEL_RANK[s.maxLevel]) s.maxLevel = r.riskLevel;
    if (risk.score > s.maxRisk) s.maxRisk = risk.score;
    if (risk.locked) s.autoSubmitted = true;
    const patterns = r.patterns.map((p) => p.pattern);
    for (const p of patterns) {
      s.patternCounts[p] = (s.patternCounts[p] ?? 0) + 1;
      s.firstPatternAt[p] ??= pkg.endedAt;
    }
    this.emit({ t: pkg.endedAt, level: r.riskLevel, probability: round4(r.probability), patterns, sessionRisk: risk.score });
  }
}

/** Parses one input line; a string is the reason it was rejected. */
export function parseKeyRecord(line: string): KeyRecord | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (typeof v !== 'object' || v === null) return 'not an object';
  const o = v as Record<string, unknown>;
  if (typeof o.key !== 'string') return 'key missing or not a string';
  if (typeof o.down !== 'number' || !Number.isFinite(o.down)) return 'down missing or not a finite number';
  if (typeof o.up !== 'number' || !Number.isFinite(o.up)) return 'up missing or not a finite number';
  if (o.up < o.down) return `up (${o.up}) before down (${o.down})`;
  const rec: KeyRecord = { key: o.key, down: o.down, up: o.up };
  if (o.user !== undefined) rec.user = String(o.user);
  if (o.window !== undefined) rec.window = String(o.window);
  return rec;
}

/** Streams lines of a .jsonl or gzip-compressed .jsonl file (gzip recognised by its magic bytes). */
export async function* readLines(path: string): AsyncGenerator<string> {
  const fh = await open(path, 'r');
  const head = Buffer.alloc(2);
  try {
    await fh.read(head, 0, 2, 0);
  } finally {
    await fh.close();
  }
  const raw = createReadStream(path);
  const input = head[0] === 0x1f && head[1] === 0x8b ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (e) => input.destroy(e));
  yield* createInterface({ input, crlfDelay: Infinity });
}

/** Replays a file; returns the summary. Bad lines are reported through `warn`. */
export async function replayFile(
  path: string,
  emit: (line: ReplayLine) => void,
  warn: (message: string) => void = () => {},
  policy?: Policy,
): Promise<ReplaySummary> {
  const session = new ReplaySession(emit, policy);
  let lineNo = 0;
  for await (const line of readLines(path)) {
    lineNo++;
    if (line.trim() === '') continue;
    const rec = parseKeyRecord(line);
    if (typeof rec === 'string') {
      session.countMalformedLine();
      warn(`line ${lineNo}: ${rec}`);
      continue;
    }
    session.push(rec);
  }
  return session.finish();
}

async function main(argv: string[]): Promise<number> {
  const path = argv[0];
  if (argv.length !== 1 || path === undefined || path.startsWith('-')) {
    process.stderr.write('usage: npm run --silent replay -- EVENTS.jsonl[.gz]\n');
    return 2;
  }
  const out: string[] = [];
  const flush = () => {
    if (out.length) process.stdout.write(out.join(''));
    out.length = 0;
  };
  // Only the first reason is shown: a count keeps memory flat however many lines are bad.
  let skipped = 0;
  let firstWarning = '';
  let summaryUsers = 0;
  try {
    const summary = await replayFile(
      path,
      (l) => {
        out.push(JSON.stringify(l) + '\n');
        if (out.length >= 512) flush();
      },
      (m) => {
        if (skipped++ === 0) firstWarning = m;
      },
    );
    flush();
    process.stdout.write(JSON.stringify({ summary }) + '\n');
    summaryUsers = summary.users;
  } catch (e) {
    flush();
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT'
        ? 'no such file'
        : err.code === 'EISDIR'
          ? 'it is a directory'
          : err.code === 'Z_DATA_ERROR' || err.code === 'Z_BUF_ERROR'
            ? 'corrupt gzip data'
            : err.message;
    process.stderr.write(`replay: cannot read ${path}: ${why}\n`);
    return 1;
  }
  if (summaryUsers > 1) {
    process.stderr.write(`replay: the input holds ${summaryUsers} users; it was replayed as one session\n`);
  }
  if (skipped > 0) {
    process.stderr.write(`replay: skipped ${skipped} malformed line(s); first: ${firstWarning}\n`);
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
