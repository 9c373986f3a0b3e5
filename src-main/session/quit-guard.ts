import type { AuditStore } from '../audit/audit-store';
import type { AuditPayload } from '../contract';
import { afterFailure, type FailureRecord } from '../exam/password-throttle';
import { verifyQuitPassword } from '../exam/quit-password';

export type CloseOutcome = AuditPayload<'close_attempt'>['outcome'];

/**
 * Whether Vigil may close now: once the exam is submitted, or with the proctor's quit
 * password (the policy's scrypt hash). Every attempt is audited with how it ended. A
 * malformed hash refuses (the policy schema already refuses one at load). Wrong passwords
 * make the next one wait longer (exam/password-throttle.ts); a password typed during the
 * wait (`waitMs`, SessionLockdown) is refused as `too_soon` without being checked. The count
 * lives in the attempt's own close_attempt rows (afterCloseAttempt, read back at restore),
 * so a restart or a deleted file cannot reset it.
 */
export function decideClose(
  store: AuditStore,
  at: number,
  req: { via: string; submitted: boolean; password?: string; passwordHash: string | null; waitMs: number },
): CloseOutcome {
  let outcome: CloseOutcome;
  if (req.submitted) outcome = 'allowed_submitted';
  else if (req.password === undefined) outcome = 'refused';
  else if (req.waitMs > 0) outcome = 'too_soon';
  else if (req.passwordHash === null) outcome = 'wrong_password';
  else {
    let match = false;
    try {
      match = verifyQuitPassword(req.password, req.passwordHash);
    } catch {
      match = false;
    }
    outcome = match ? 'allowed_password' : 'wrong_password';
  }
  store.append('close_attempt', { at, via: req.via, outcome });
  return outcome;
}

/** The wrong passwords in a row a close_attempt row leaves behind it. */
export function afterCloseAttempt(record: FailureRecord, row: { at: number; outcome: CloseOutcome }): FailureRecord {
  if (row.outcome === 'wrong_password') return afterFailure(record, row.at);
  if (row.outcome === 'allowed_password') return { failures: 0, lastFailureAt: null };
  // Refusals without a password, and tries during the wait, were never checked: they neither count nor reset.
  return record;
}
