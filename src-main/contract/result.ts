/** Errors cross process boundaries as values, never as thrown exceptions (STYLE.md §7). */
export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'session_locked'
  | 'session_submitted'
  | 'storage_failed'
  /** More calls than the engine takes per second from one page: nothing was done; retry shortly. */
  | 'too_fast'
  | 'exam_invalid'
  | 'internal';

export interface VigilError {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: VigilError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = (code: ErrorCode, message: string): Result<never> => ({
  ok: false,
  error: { code, message },
});

/** Exhaustiveness guard for discriminated unions. */
export function missingCase(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
