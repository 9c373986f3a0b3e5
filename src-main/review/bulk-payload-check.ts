import { Ajv, type ValidateFunction } from 'ajv';
import { z } from 'zod';
import { AUDIT_ROW_SCHEMAS, checkAuditPayload, type AuditKind, type AuditPayload, type AuditPayloadCheck } from '../contract/audit-rows';

/**
 * The kinds a three-hour attempt holds by the thousand: autosaves, scored packages, score
 * changes, saved engine state, queued uploads and flags. Reading one back checks every row
 * against its zod schema, which took ~2 µs a row and a copy of every payload: most of the
 * time it took to open the attempt for review.
 */
export const BULK_KINDS: ReadonlySet<AuditKind> = new Set<AuditKind>([
  'answer_saved',
  'package_scored',
  'risk_changed',
  'engine_state_saved',
  'upload_queued',
  'flag_raised',
  'checkpoint_queued',
]);

let ajv: Ajv | null = null;
const compiled = new Map<AuditKind, ValidateFunction | null>();

/**
 * The kind's zod schema as JSON Schema (zod's own converter), compiled by ajv: one source of
 * truth, so a schema changed in contract/audit-rows.ts changes this check with it. Null
 * (zod alone) when the schema cannot be represented, or when it fills defaults in: then
 * zod's output would differ from the stored payload, which this check hands on as it is.
 */
function compile(kind: AuditKind): ValidateFunction | null {
  try {
    const schema = z.toJSONSchema(AUDIT_ROW_SCHEMAS[kind], { target: 'draft-7', io: 'input', unrepresentable: 'throw' });
    if (JSON.stringify(schema).includes('"default"')) return null;
    // strictNumbers: Infinity (JSON.parse reads 1e999 as it) is not a number, as in zod;
    // patterns run without the u flag, as zod runs them.
    ajv ??= new Ajv({ strictNumbers: true, allErrors: false, unicodeRegExp: false });
    return ajv.compile(schema);
  } catch {
    return null;
  }
}

/** The compiled check of a bulk kind, or null when that kind is left to zod. */
export function bulkValidator(kind: AuditKind): ValidateFunction | null {
  if (!BULK_KINDS.has(kind)) return null;
  let v = compiled.get(kind);
  if (v === undefined) {
    v = compile(kind);
    compiled.set(kind, v);
  }
  return v;
}

/**
 * The schema check for rows read back in bulk. The compiled check only ever says yes:
 * anything it does not accept goes to zod, whose verdict and message stand, so a row that
 * does not fit is reported exactly as before (test/unit/review/bulk-payload-check.test.ts
 * checks that the compiled check accepts nothing zod refuses, on valid payloads and their
 * mutations).
 */
export function checkStoredPayload<K extends AuditKind>(kind: K, payload: unknown): AuditPayloadCheck<K> {
  if (bulkValidator(kind)?.(payload) === true) return { ok: true, payload: payload as AuditPayload<K> };
  return checkAuditPayload(kind, payload);
}
