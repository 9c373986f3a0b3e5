/**
 * Typist model command line.
 *
 *   typist score --enroll ENROLL.jsonl[.gz] --probe PROBE.jsonl[.gz]
 *     One line per probe window, in input order: {"window":"<id>","score":<number>}.
 *     Higher = less like the enrolled typist. Nothing else goes to stdout.
 *   typist eval --data FILE [--enroll-keys N] [--reference-full-keys]
 *     The evaluation protocol (src-main/detection/typist/evaluation.ts): EER per window
 *     length on two halves of the users (A tuned on, B reported).
 *
 * Input: one JSON object per line, {"user","window","key","down","up"} (the Aalto format in
 * ../shared/data/keystroke/README.md). Keys are reduced to category and zone on reading,
 * exactly as capture does; the model never sees a key name. The probe `user` field is
 * ignored on purpose: it carries no information.
 */
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { access, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import { classifyKeyName } from '../capture/key-classes';
import type { KeystrokeSample } from '../contract/activity';
import { evaluateSplit, type ModelUnderTest, type UserTyping } from '../detection/typist/evaluation';
import type { TimedKey } from '../detection/typist/timing-events';
import {
  enrollTimedKeys,
  enrollTypist,
  sampleToTimedKey,
  scoreTimedKeys,
  scoreTypist,
  TYPIST_DECISION_THRESHOLD,
  type TypistProfile,
} from '../detection/typist/typist-model';

const RowSchema = z.object({
  // Carries no information for probes (and may be null there); enrol and eval group by its text.
  user: z.unknown().optional(),
  window: z.union([z.string(), z.number()]),
  key: z.string(),
  down: z.number().finite(),
  up: z.number().finite(),
});
type Row = z.infer<typeof RowSchema>;

class UsageError extends Error {}

const USAGE = `usage:
  typist score --enroll ENROLL.jsonl[.gz] --probe PROBE.jsonl[.gz]
  typist eval --data FILE.jsonl[.gz] [--enroll-keys N] [--reference-full-keys]`;

/** Rows of a .jsonl[.gz] file, streamed; a bad row stops the read with its line number. */
async function* streamRows(path: string): AsyncGenerator<Row> {
  try {
    await access(path);
  } catch {
    throw new UsageError(`cannot read ${path}: no such file or not readable`);
  }
  const stream = createReadStream(path);
  const input = path.endsWith('.gz') ? stream.pipe(createGunzip()) : stream;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new UsageError(`${path}:${lineNo}: not valid JSON`);
    }
    const row = RowSchema.safeParse(parsed);
    if (!row.success) {
      const issue = row.error.issues[0];
      throw new UsageError(`${path}:${lineNo}: ${issue?.path.join('.') || 'row'}: ${issue?.message ?? 'invalid'}`);
    }
    yield row.data;
  }
}

async function readRows(path: string): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of streamRows(path)) rows.push(row);
  return rows;
}

/** The capture boundary, applied to recorded data: key name -> category + zone. */
function toSample(row: Row): KeystrokeSample {
  const { category, zone } = classifyKeyName(row.key);
  return { category, zone, down: row.down, up: row.up };
}

function parseFlags(args: readonly string[], allowed: Record<string, 'value' | 'switch'>): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const kind = allowed[arg];
    if (!kind) throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    if (kind === 'switch') {
      flags.set(arg, 'true');
      continue;
    }
    const value = args[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
    flags.set(arg, value);
  }
  return flags;
}

async function score(args: readonly string[]): Promise<void> {
  const flags = parseFlags(args, { '--enroll': 'value', '--probe': 'value' });
  const enrollPath = flags.get('--enroll');
  const probePath = flags.get('--probe');
  if (!enrollPath || !probePath) throw new UsageError('score needs --enroll and --probe');
  const enrollRows = await readRows(enrollPath);
  if (enrollRows.length === 0) throw new UsageError(`${enrollPath}: no keystrokes to enrol on`);
  const users = new Set(enrollRows.map((r) => String(r.user ?? '')));
  if (users.size > 1) process.stderr.write(`typist: warning: ${enrollPath} mixes ${users.size} users; enrolling on all\n`);
  if (enrollRows.length < 100) {
    process.stderr.write(`typist: warning: only ${enrollRows.length} enrolment keystrokes (100+ expected)\n`);
  }
  const profile = enrollTypist(enrollRows.map(toSample));
  await scoreProbe(probePath, profile);
}

/**
 * Scores the probe file's windows and prints them in order of first appearance, streaming:
 * a first pass validates every row (so bad input prints nothing) and notes where each window
 * ends, so the second pass scores and prints a window as soon as its last row is read and
 * holds only windows still open. Rows of one window need not be adjacent (they are grouped
 * by id). Input that cannot be read twice (a pipe) is held whole instead.
 */
async function scoreProbe(path: string, profile: TypistProfile): Promise<void> {
  let lastRow: Map<string, number> | null = null;
  let regularFile = false;
  try {
    regularFile = (await stat(path)).isFile();
  } catch {
    throw new UsageError(`cannot read ${path}: no such file or not readable`);
  }
  if (regularFile) {
    lastRow = new Map();
    let i = 0;
    for await (const row of streamRows(path)) lastRow.set(String(row.window), i++);
  }
  const open = new Map<string, KeystrokeSample[]>();
  const scored = new Map<string, number>();
  const order: string[] = []; // window ids by first appearance, from `printed` on not yet printed
  let printed = 0;
  let out = '';
  const flush = async (final: boolean): Promise<void> => {
    for (; printed < order.length && scored.has(order[printed]!); printed++) {
      const id = order[printed]!;
      const s = scored.get(id)!;
      scored.delete(id);
      out += `${JSON.stringify({ window: id, score: Number.isFinite(s) ? Number(s.toFixed(4)) : 0 })}\n`;
    }
    if (printed > 4096) {
      order.splice(0, printed);
      printed = 0;
    }
    if (out.length >= 65_536 || (final && out.length > 0)) {
      const drained = process.stdout.write(out);
      out = '';
      if (!drained) await once(process.stdout, 'drain');
    }
  };
  let i = 0;
  for await (const row of streamRows(path)) {
    const id = String(row.window);
    let list = open.get(id);
    if (!list) {
      open.set(id, (list = []));
      order.push(id);
    }
    list.push(toSample(row));
    if (lastRow !== null && lastRow.get(id) === i) {
      scored.set(id, scoreTypist(profile, list));
      open.delete(id);
      await flush(false);
    }
    i++;
  }
  for (const [id, list] of open) scored.set(id, scoreTypist(profile, list));
  await flush(true);
}

function groupByUser(rows: readonly Row[], toKey: (row: Row) => TimedKey): UserTyping[] {
  const users = new Map<string, Map<string, TimedKey[]>>();
  for (const row of rows) {
    const user = String(row.user ?? '');
    let windows = users.get(user);
    if (!windows) users.set(user, (windows = new Map()));
    const id = String(row.window);
    let list = windows.get(id);
    if (!list) windows.set(id, (list = []));
    list.push(toKey(row));
  }
  const out: UserTyping[] = [];
  for (const [user, windows] of users) {
    // Typing order: windows by their first press.
    const ordered = [...windows.values()].sort((a, b) => a[0]!.down - b[0]!.down);
    out.push({ user, windows: ordered });
  }
  return out.sort((a, b) => a.user.localeCompare(b.user, 'en', { numeric: true }));
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a';
}

async function evaluate(args: readonly string[]): Promise<void> {
  const flags = parseFlags(args, { '--data': 'value', '--enroll-keys': 'value', '--reference-full-keys': 'switch' });
  const dataPath = flags.get('--data');
  if (!dataPath) throw new UsageError('eval needs --data FILE');
  const enrollKeys = Number(flags.get('--enroll-keys') ?? 300);
  if (!Number.isInteger(enrollKeys) || enrollKeys < 10) throw new UsageError('--enroll-keys must be an integer >= 10');
  const fullKeys = flags.has('--reference-full-keys');
  const rows = await readRows(dataPath);
  // Reference only: the same model on full key identity, to price the zones. Not used by `score`.
  const toKey = fullKeys
    ? (r: Row): TimedKey => ({ unit: r.key, group: classifyKeyName(r.key).category, down: r.down, up: r.up })
    : (r: Row): TimedKey => sampleToTimedKey(toSample(r));
  const users = groupByUser(rows, toKey);
  const model: ModelUnderTest<TypistProfile> = { enroll: (k) => enrollTimedKeys(k), score: (p, k) => scoreTimedKeys(p, k) };
  const started = performance.now();
  const groups = evaluateSplit(users, model, { enrollKeys, lengths: [25, 50, 100, 200], threshold: TYPIST_DECISION_THRESHOLD });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `typist eval: ${dataPath}, ${users.length} users, enrol on first windows up to >= ${enrollKeys} keys, ` +
      `keys as ${fullKeys ? 'FULL KEY IDENTITY (reference only)' : 'category + zone (shipped)'}`,
  );
  console.log(`decision threshold ${TYPIST_DECISION_THRESHOLD}: FRR = genuine windows flagged, FAR = impostor windows passed`);
  for (const g of groups) {
    console.log(`group ${g.group}: ${g.users} users`);
    console.log('  keys   EER     genuine  impostor  FRR@thr  FAR@thr  EER-threshold');
    for (const r of g.results) {
      console.log(
        `  ${String(r.length).padStart(4)}   ${pct(r.eer).padStart(6)}  ${String(r.genuine).padStart(7)}  ${String(r.impostor).padStart(8)}  ` +
          `${pct(r.falseRejectAtThreshold).padStart(7)}  ${pct(r.falseAcceptAtThreshold).padStart(7)}  ${r.eerThreshold.toFixed(2)}`,
      );
    }
  }
  console.log(`(${seconds.toFixed(1)} s)`);
}

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'score') return score(rest);
  if (command === 'eval') return evaluate(rest);
  throw new UsageError(command ? `unknown command ${JSON.stringify(command)}` : 'no command given');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`typist: ${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`typist: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
});
