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
  /** Coarse class (the KeyCategory). */
  group: string;
  down: number;
  up: number;
}

export type ObservationKind = 'dwell' | 'latency' | 'flight';

export interface Observation {
  kind: ObservationKind;
  value: number;
  /** Feature names, most specific first; the last one is the kind's global name. */
  names: readonly string[];
}

/** Dwell times above this are a held key (auto-repeat, hesitation), not rhythm. */
export const MAX_DWELL_MS = 1000;
/** Pairs whose press-to-press latency exceeds this span a pause (thinking), not rhythm. */
export const MAX_LATENCY_MS = 1500;
/** Flights below this are overlapping presses that got far out of order. */
const MIN_FLIGHT_MS = -1000;

function finite(k: TimedKey): boolean {
  return Number.isFinite(k.down) && Number.isFinite(k.up);
}

/** Keys ordered by press time (stable), with non-finite timestamps dropped. */
export function orderKeys(keys: readonly TimedKey[]): TimedKey[] {
  return keys
    .map((k, i) => ({ k, i }))
    .filter(({ k }) => finite(k))
    .sort((a, b) => a.k.down - b.k.down || a.i - b.i)
    .map(({ k }) => k);
}

/** Timing observations of an ordered key stream. */
export function extractObservations(ordered: readonly TimedKey[]): Observation[] {
  const out: Observation[] = [];
  for (let i = 0; i < ordered.length; i++) {
    const a = ordered[i]!;
    const dwell = a.up - a.down;
    if (dwell >= 0 && dwell <= MAX_DWELL_MS) {
      out.push({ kind: 'dwell', value: dwell, names: [`d|${a.unit}`, `d|${a.group}`, 'd|*'] });
    }
    const b = ordered[i + 1];
    if (!b) continue;
    const latency = b.down - a.down;
    if (latency < 0 || latency > MAX_LATENCY_MS) continue;
    const pair = `${a.unit}>${b.unit}`;
    const groupPair = `${a.group}>${b.group}`;
    out.push({ kind: 'latency', value: latency, names: [`l|${pair}`, `l|${groupPair}`, 'l|*'] });
    const flight = b.down - a.up;
    if (flight >= MIN_FLIGHT_MS) {
      out.push({ kind: 'flight', value: flight, names: [`f|${pair}`, `f|${groupPair}`, 'f|*'] });
    }
  }
  return out;
}
