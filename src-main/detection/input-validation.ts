import type { ActivityPackage, KeystrokeSample } from '../contract/activity';
import { KEY_CATEGORIES } from '../contract/activity';

/** Longest window accepted; anything longer is a broken clock or a broken producer. */
export const MAX_WINDOW_MS = 10 * 60_000;
/** A key held longer than this is not typing (stuck key, lost release event). */
export const MAX_DWELL_MS = 5_000;

const STAT_FIELDS = ['meanDwellMs', 'stdDwellMs', 'meanFlightMs', 'stdFlightMs', 'meanMouseSpeed'] as const;
const COUNT_FIELDS = [
  'keystrokeCount',
  'mouseMoveCount',
  'focusLosses',
  'copyEvents',
  'pasteEvents',
  'externalPasteEvents',
] as const;
const SPAN_FIELDS = ['inactivityMs', 'unfocusedMs'] as const;
const NULLABLE_FIELDS = ['cpuLoadPercent', 'netRxBytesPerSec', 'netTxBytesPerSec'] as const;

export type CheckedField =
  | (typeof STAT_FIELDS)[number]
  | (typeof COUNT_FIELDS)[number]
  | (typeof SPAN_FIELDS)[number]
  | (typeof NULLABLE_FIELDS)[number]
  | 'backspaceRatio'
  | 'keystrokes';

/** Fields whose value was replaced: detectors treat them as absent, so a repair never raises a flag. */
export type BadFields = Partial<Record<CheckedField, true>>;

export type CheckResult =
  | { ok: true; pkg: ActivityPackage; bad: BadFields; issues: string[] }
  | { ok: false; issues: string[] };

const categories: ReadonlySet<string> = new Set(KEY_CATEGORIES);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** The contract's zones (KeystrokeSampleSchema): any other value would be a new key unit to the typist model. */
const isZone = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 15;

/**
 * Checks one package before detection. Structural faults (no timing, negative or absurd
 * window, out of order) reject it; bad statistics are clamped or dropped with a reason and
 * marked, so the detectors ignore them. Never throws.
 */
export function checkPackage(raw: unknown, previousEndedAt: number | undefined): CheckResult {
  if (typeof raw !== 'object' || raw === null) return { ok: false, issues: ['package is not an object'] };
  const p = raw as Record<string, unknown>;
  const issues: string[] = [];
  const { startedAt, endedAt, sequence } = p;
  if (!isNum(startedAt) || !isNum(endedAt)) {
    return { ok: false, issues: ['rejected: startedAt/endedAt missing or not finite numbers'] };
  }
  if (!isNum(sequence) || sequence < 0 || !Number.isInteger(sequence)) {
    return { ok: false, issues: ['rejected: sequence missing or not a non-negative integer'] };
  }
  const duration = endedAt - startedAt;
  if (duration <= 0) return { ok: false, issues: [`rejected: window duration ${duration} ms is not positive`] };
  if (duration > MAX_WINDOW_MS) {
    return { ok: false, issues: [`rejected: window duration ${duration} ms exceeds ${MAX_WINDOW_MS} ms`] };
  }
  if (previousEndedAt !== undefined && endedAt <= previousEndedAt) {
    return {
      ok: false,
      issues: [`rejected: out of order, ends at ${endedAt} but the previous package ended at ${previousEndedAt}`],
    };
  }

  const bad: BadFields = {};
  // Copied only when something must be repaired: the input is never mutated, and the common
  // (clean) package costs no allocation.
  let pkg = p as ActivityPackage;
  const own = (): ActivityPackage => (pkg === p ? (pkg = { ...(p as ActivityPackage) }) : pkg);

  for (const f of STAT_FIELDS) {
    const v = p[f];
    // Dwell and flight come from keys pressed inside the window: they cannot exceed it (plus
    // a held key). The mouse speed keeps the loose bound.
    const max = f === 'meanMouseSpeed' ? MAX_WINDOW_MS : duration + MAX_DWELL_MS;
    if (!isNum(v) || v < 0 || v > max) {
      issues.push(`${f} ${describe(v)} replaced by 0 and ignored`);
      own()[f] = 0;
      bad[f] = true;
    }
  }
  for (const f of COUNT_FIELDS) {
    const v = p[f];
    if (!isNum(v) || v < 0 || v > 1e6) {
      issues.push(`${f} ${describe(v)} replaced by 0 and ignored`);
      own()[f] = 0;
      bad[f] = true;
    } else if (!Number.isInteger(v)) own()[f] = Math.round(v);
  }
  for (const f of SPAN_FIELDS) {
    const v = p[f];
    if (!isNum(v) || v < 0) {
      issues.push(`${f} ${describe(v)} replaced by 0 and ignored`);
      own()[f] = 0;
      bad[f] = true;
    } else if (v > duration) {
      issues.push(`${f} ${v} ms longer than the ${duration} ms window, clamped and ignored`);
      own()[f] = duration;
      bad[f] = true;
    }
  }
  const br = p.backspaceRatio;
  if (!isNum(br) || br < 0 || br > 1) {
    issues.push(`backspaceRatio ${describe(br)} outside 0..1, replaced by 0 and ignored`);
    own().backspaceRatio = 0;
    bad.backspaceRatio = true;
  }
  for (const f of NULLABLE_FIELDS) {
    const v = p[f];
    if (v === null) continue;
    const max = f === 'cpuLoadPercent' ? 100 : 1e10;
    if (!isNum(v) || v < 0 || v > max) {
      issues.push(`${f} ${describe(v)} not a plausible reading, treated as absent`);
      own()[f] = null;
      bad[f] = true;
    }
  }

  const ks = checkKeystrokes(p.keystrokes, issues);
  if (ks.samples !== p.keystrokes) own().keystrokes = ks.samples;
  if (ks.bad) bad.keystrokes = true;
  return { ok: true, pkg, bad, issues };
}

function checkKeystrokes(raw: unknown, issues: string[]): { samples: KeystrokeSample[]; bad: boolean } {
  if (raw === undefined) return { samples: [], bad: false };
  if (!Array.isArray(raw)) {
    issues.push('keystrokes is not an array, ignored');
    return { samples: [], bad: true };
  }
  let dropped = 0;
  let sorted = true;
  let keep: KeystrokeSample[] | null = null; // copy only when something is dropped (the common case allocates nothing)
  let lastDown = -Infinity;
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i] as Partial<KeystrokeSample> | null;
    const good =
      s !== null &&
      typeof s === 'object' &&
      isNum(s.down) &&
      isNum(s.up) &&
      s.up >= s.down &&
      s.up - s.down <= MAX_DWELL_MS &&
      typeof s.category === 'string' &&
      categories.has(s.category) &&
      isZone(s.zone);
    if (!good) {
      dropped++;
      if (keep === null) keep = (raw as KeystrokeSample[]).slice(0, i);
      continue;
    }
    if (s.down! < lastDown) sorted = false;
    lastDown = s.down!;
    if (keep !== null) keep.push(s as KeystrokeSample);
  }
  let samples = keep ?? (raw as KeystrokeSample[]);
  if (dropped > 0) issues.push(`${dropped} keystroke sample(s) with missing, negative or absurd timing dropped`);
  if (!sorted) {
    issues.push('keystroke samples out of time order, sorted by press time');
    samples = [...samples].sort((a, b) => a.down - b.down);
  }
  return { samples, bad: dropped > 0 };
}

function describe(v: unknown): string {
  if (v === undefined) return '(missing)';
  if (typeof v === 'number') return String(v);
  return `(${typeof v})`;
}
