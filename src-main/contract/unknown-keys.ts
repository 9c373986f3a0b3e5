import { closest } from 'fastest-levenshtein';
import type { z } from 'zod';

/** A key the schema does not know, where it was found, and the known key it most resembles. */
export interface UnknownKey {
  /** Path of the object holding the key, e.g. ["classifier", "weights"]. */
  path: (string | number)[];
  key: string;
  /** The nearest known key at that level (Levenshtein distance), or null when the level has none. */
  closest: string | null;
}

/**
 * Finds every key in `value` that `schema` would silently drop. Zod strips unknown keys, so a
 * misspelt policy setting (`windowSecond`) would fall back to its default without a word;
 * this walks the schema alongside the value instead, so fields added to a schema later are
 * covered without listing keys anywhere.
 */
export function findUnknownKeys(schema: z.ZodType, value: unknown, path: (string | number)[] = []): UnknownKey[] {
  const def = (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return value === undefined || value === null ? [] : findUnknownKeys(def.innerType!, value, path);
    case 'pipe':
      return findUnknownKeys(def.in!, value, path);
    case 'lazy':
      return findUnknownKeys(def.getter!(), value, path);
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => findUnknownKeys(def.element!, v, [...path, i])) : [];
    case 'record':
      return isPlainObject(value)
        ? Object.entries(value).flatMap(([k, v]) => findUnknownKeys(def.valueType!, v, [...path, k]))
        : [];
    case 'object':
      return isPlainObject(value) ? objectUnknowns(def.shape!, value, path) : [];
    case 'union':
      return unionUnknowns(def, value, path);
    default:
      return [];
  }
}

/** One line per unknown key, e.g. `unknown key "windowSecond" at the top level; did you mean "windowSeconds"?` */
export function describeUnknownKey(u: UnknownKey): string {
  const where = u.path.length === 0 ? 'at the top level' : `in ${u.path.join('.')}`;
  const hint = u.closest === null ? '' : `; did you mean "${u.closest}"?`;
  return `unknown key "${u.key}" ${where}${hint}`;
}

interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  discriminator?: string;
}

function objectUnknowns(
  shape: Record<string, z.ZodType>,
  value: Record<string, unknown>,
  path: (string | number)[],
): UnknownKey[] {
  const known = Object.keys(shape);
  const out: UnknownKey[] = [];
  for (const [key, v] of Object.entries(value)) {
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (field === undefined) out.push({ path, key, closest: known.length === 0 ? null : closest(key, known) });
    else out.push(...findUnknownKeys(field, v, [...path, key]));
  }
  return out;
}

/**
 * A discriminated union is judged by the option its discriminator picks; any other union by
 * the option that leaves the fewest unknown keys (none, when the value fits one exactly).
 */
function unionUnknowns(def: ZodDef, value: unknown, path: (string | number)[]): UnknownKey[] {
  const options = def.options ?? [];
  if (def.discriminator !== undefined && isPlainObject(value)) {
    const tag = value[def.discriminator];
    const picked = options.find((o) => literalValues(o, def.discriminator!).includes(tag));
    return picked ? findUnknownKeys(picked, value, path) : [];
  }
  let best: UnknownKey[] | null = null;
  for (const option of options) {
    const found = findUnknownKeys(option, value, path);
    if (best === null || found.length < best.length) best = found;
  }
  return best ?? [];
}

function literalValues(option: z.ZodType, key: string): unknown[] {
  const def = (option as unknown as { _zod: { def: ZodDef } })._zod.def;
  const field = def.type === 'object' ? def.shape?.[key] : undefined;
  const fieldDef = (field as unknown as { _zod?: { def: { type: string; values?: unknown[] } } } | undefined)?._zod?.def;
  return fieldDef?.type === 'literal' ? (fieldDef.values ?? []) : [];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
