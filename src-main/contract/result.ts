/**
 * Errors cross process boundaries as values, never as thrown exceptions (STYLE.md §7).
 * Only codes something returns: a locked exam still takes the answers the page flushes
 * before its submission is written, so there is no "locked" refusal.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'session_submitted'
  | 'storage_failed'
  /** More saves than the engine takes per second from one page: nothing was done; the page resends. */
  | 'too_fast'
  | 'exam_invalid'
  | 'internal'
  // Sign-in with the exam server (sign-in-gate.ts):
  | 'not_signed_in'
  | 'already_signed_in'
  | 'bad_access_code'
  | 'second_attempt'
  | 'server_unreachable'
  | 'sign_in_refused'
  // The proctor's sign-in in front of the review (review/proctor-gate.ts):
  | 'wrong_password'
  /** Too soon after a wrong password: nothing was checked; the page says when to try again. */
  | 'try_later';

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
