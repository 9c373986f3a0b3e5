import type { TypistModelOptions, TypistProfile } from './typist-model';
import { featureNames, type Observation, type ObservationKind } from './timing-events';

/**
 * Scoring state compiled from a profile on first use and cached by identity: observations
 * resolve to feature slots through numeric unit ids, so scoring builds no strings. Profiles
 * are treated as immutable plain data.
 */
export interface CompiledProfile {
  options: TypistModelOptions;
  slotValues: number[][];
  slotWeight: number[];
  slotByName: Map<string, number>;
  unitIds: Map<string, number>;
  /** (kind, unit pair) -> flat [slot, slot, ...] the observation contributes to. */
  routes: Map<number, readonly number[]>;
  sums: Float64Array;
  spreads: Float64Array;
  counts: Float64Array;
}

const compiledProfiles = new WeakMap<TypistProfile, CompiledProfile>();
const KIND_INDEX: Record<ObservationKind, number> = { dwell: 0, latency: 1, flight: 2 };
const MAX_UNITS = 4096;

export function compile(profile: TypistProfile, options: TypistModelOptions): CompiledProfile {
  const cached = compiledProfiles.get(profile);
  if (cached && cached.options === options) return cached;
  const compiled: CompiledProfile = {
    options,
    slotValues: [],
    slotWeight: [],
    slotByName: new Map(),
    unitIds: new Map(),
    routes: new Map(),
    sums: new Float64Array(0),
    spreads: new Float64Array(0),
    counts: new Float64Array(0),
  };
  compiledProfiles.set(profile, compiled);
  return compiled;
}

function slotFor(c: CompiledProfile, name: string, values: number[], weight: number): number {
  const key = `${weight}|${name}`;
  let slot = c.slotByName.get(key);
  if (slot === undefined) {
    slot = c.slotValues.length;
    c.slotValues.push(values);
    c.slotWeight.push(weight);
    c.slotByName.set(key, slot);
  }
  return slot;
}

function unitId(c: CompiledProfile, unit: string): number {
  let id = c.unitIds.get(unit);
  if (id === undefined) {
    id = c.unitIds.size % MAX_UNITS;
    c.unitIds.set(unit, id);
  }
  return id;
}

/** Slots an observation contributes to: its most specific usable feature, then fall-backs. */
export function route(profile: TypistProfile, c: CompiledProfile, obs: Observation): readonly number[] {
  const a = unitId(c, obs.first.unit);
  const b = obs.second ? unitId(c, obs.second.unit) + 1 : 0;
  const key = (KIND_INDEX[obs.kind] * (MAX_UNITS + 1) + b) * MAX_UNITS + a;
  const known = c.routes.get(key);
  // Unit ids wrap past MAX_UNITS; a clash only costs a re-resolve, never a wrong route.
  if (known && c.unitIds.size <= MAX_UNITS) return known;
  const { options } = c;
  const names = featureNames(obs);
  const w = options.weights[obs.kind];
  const slots: number[] = [];
  const picked = w > 0 ? pickFeature(profile, names, options.minCount) : null;
  if (picked) {
    slots.push(slotFor(c, picked.name, picked.values, w));
    const last = names.length - 1;
    const parent = names[picked.level + 1];
    if (options.alsoParent > 0 && parent && picked.level + 1 < last) {
      const values = profile.features[parent];
      // A parent holding exactly the picked feature's values (a unit that is its whole
      // category, like the single letter zone) would only count the same evidence twice.
      if (values && values.length >= options.minCount && values.length !== picked.values.length) {
        slots.push(slotFor(c, parent, values, w * options.alsoParent));
      }
    }
    if (options.alsoGlobal > 0 && picked.level < last) {
      const values = profile.features[names[last]!];
      if (values && values.length >= 2 && values.length !== picked.values.length) {
        slots.push(slotFor(c, names[last]!, values, w * options.alsoGlobal));
      }
    }
  }
  c.routes.set(key, slots);
  return slots;
}

function pickFeature(
  profile: TypistProfile,
  names: readonly string[],
  minCount: number,
): { name: string; values: number[]; level: number } | null {
  for (let i = 0; i < names.length; i++) {
    const values = profile.features[names[i]!];
    // The overall fall-back takes whatever there is, as long as ranks mean something.
    if (values && values.length >= (i === names.length - 1 ? 2 : minCount)) return { name: names[i]!, values, level: i };
  }
  return null;
}
