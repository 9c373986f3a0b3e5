import type { Result } from '../src-main/contract';

/** The value of an ok Result; a failed one fails the test with its code and message. */
export function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}
