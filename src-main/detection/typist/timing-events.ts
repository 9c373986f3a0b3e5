/**
 * Turns a keystroke stream into timing observations (dwell, digraph latency, flight), each
 * tagged with feature names from most to least specific. The model compares a probe's
 * observations with the enrolled typist's under the most specific name it has enough
 * enrolment data for.
 *
 * Generic over what a key's "unit" is: the shipped model uses category+zone; the eval's
 * reference measurement uses the full key identity to show what the zones cost.
 */
export interface TimedKey {
  /** Fine identity of the key (e.g. `letter3`); never a character in the shipped model. */
  unit: string;
  /** Coarse class (the KeyCategory); must be the same for every key of one unit. */
  group: string;
  down: number;
  up: number;
}

export type ObservationKind = 'dwell' | 'latency' | 'flight';

export interface Observation {
  kind: ObservationKind;
  value: number;
  /** The key (dwell) or the first key of the pair (latency, flight). */
  first: TimedKey;
  /** The second key of the pair; null for dwell. */
  second: TimedKey | null;
}

/** Dwell times above this are a held key (auto-repeat, hesitation), not rhythm. */
export const MAX_DWELL_MS = 1000;
/** Pairs whose press-to-press latency exceeds this span a pause (thinking), not rhythm. */
export const MAX_LATENCY_MS = 1500;
/** Flights below this are overlapping presses that got far out of order. */
const MIN_FLIGHT_MS = -1000;

const PREFIX: Record<ObservationKind, string> = { dwell: 'd', latency: 'l', flight: 'f' };

/** Feature names of an observation, most specific first; the last is the kind's overall one. */
export function featureNames(obs: Observation): string[] {
  const p = PREFIX[obs.kind];
  const { first: a, second: b } = obs;
  if (!b) return [`${p}|${a.unit}`, `${p}|${a.group}`, `${p}|*`];
  return [`${p}|${a.unit}>${b.unit}`, `${p}|${a.group}>${b.group}`, `${p}|*`];
}

function finite(k: TimedKey): boolean {
  return Number.isFinite(k.down) && Number.isFinite(k.up);
}

/** Keys ordered by press time (stable), with non-finite timestamps dropped. */
export function orderKeys(keys: readonly TimedKey[]): readonly TimedKey[] {
  let ordered = true;
  for (let i = 0; i < keys.length && ordered; i++) {
    const k = keys[i]!;
    ordered = finite(k) && (i === 0 || keys[i - 1]!.down <= k.down);
  }
  if (ordered) return keys; // the usual case: capture delivers keys in press order
  return keys
    .map((k, i) => ({ k, i }))
    .filter(({ k }) => finite(k))
    .sort((a, b) => a.k.down - b.k.down || a.i - b.i)
    .map(({ k }) => k);
}

/** Timing observations of an ordered key stream, in stream order. */
export function extractObservations(ordered: readonly TimedKey[]): Observation[] {
  const out: Observation[] = [];
  for (let i = 0; i < ordered.length; i++) {
    const a = ordered[i]!;
    const dwell = a.up - a.down;
    if (dwell >= 0 && dwell <= MAX_DWELL_MS) out.push({ kind: 'dwell', value: dwell, first: a, second: null });
    const b = ordered[i + 1];
    if (!b) continue;
    const latency = b.down - a.down;
    if (latency < 0 || latency > MAX_LATENCY_MS) continue;
    out.push({ kind: 'latency', value: latency, first: a, second: b });
    const flight = b.down - a.up;
    if (flight >= MIN_FLIGHT_MS) out.push({ kind: 'flight', value: flight, first: a, second: b });
  }
  return out;
}
