import type { AuditStore } from '../audit/audit-store';
import type { AuditPayload } from '../contract';
import { verifyQuitPassword } from '../exam/quit-password';

export type CloseOutcome = AuditPayload<'close_attempt'>['outcome'];

/**
 * Whether Vigil may close now: once the exam is submitted, or with the proctor's quit
 * password (the policy's scrypt hash). Every attempt is audited with how it ended. A
 * malformed hash refuses (the policy schema already refuses one at load).
 */
export function decideClose(
  store: AuditStore,
  at: number,
  req: { via: string; submitted: boolean; password?: string; passwordHash: string | null },
): CloseOutcome {
  let outcome: CloseOutcome;
  if (req.submitted) outcome = 'allowed_submitted';
  else if (req.password === undefined) outcome = 'refused';
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
