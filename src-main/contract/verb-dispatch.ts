import { z } from 'zod';
import type { VigilVerbs } from './api';
import { err } from './result';
import type { Result } from './result';
import { VERB_INPUTS } from './verb-inputs';
import type { VerbInput } from './verb-inputs';
import { VERBS } from './verbs';
import type { Verb, VerbResult } from './verbs';

// Typed as a mapped type over the verbs so that, indexed by a generic verb V, the schema's
// output is VerbInput<V> and api[verb] takes VerbInput<V>: TypeScript then checks the
// routing below without a cast (microsoft/TypeScript#47109).
const SCHEMAS: { [V in Verb]: z.ZodType<VerbInput<V>> } = VERB_INPUTS;

/** The verb's input schema applied to what the caller sent. */
export function parseVerbInput<V extends Verb>(verb: V, payload: unknown): Result<VerbInput<V>> {
  const parsed = SCHEMAS[verb].safeParse(payload);
  if (!parsed.success) return err('invalid_input', `${VERBS[verb].channel}: ${z.prettifyError(parsed.error)}`);
  return { ok: true, value: parsed.data };
}

/**
 * Validates the payload against the verb's schema and calls the engine. Never throws: a bad
 * payload or an engine exception comes back as `{ok:false}`, so the caller always gets a
 * value (STYLE.md §7). Main's IPC adapter and the Chromium engine bridge both call this.
 */
export async function dispatchVerb<V extends Verb>(
  api: VigilVerbs,
  verb: V,
  payload: unknown,
): Promise<Result<VerbResult<V>>> {
  try {
    const input = parseVerbInput(verb, payload);
    if (!input.ok) return input;
    return await api[verb](input.value);
  } catch (e) {
    return err('internal', `${VERBS[verb].channel} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
