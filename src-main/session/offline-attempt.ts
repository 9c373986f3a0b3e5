import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { RegistrationResponse } from '../contract/exam-server-api';
import { attemptDatabaseFile } from './attempt-file';
import { codeCheck, keepRegistration, registrationFile } from './server-registration';

/**
 * An attempt started while the exam server could not be reached (SignInGate, `offlineStart`)
 * leaves `<db>.offline.json` beside its database until its key escrow is delivered: a restart
 * then goes on with the same attempt offline instead of registering a second one. Once the
 * escrow's answer arrives, the registration file replaces it and a restart resumes the
 * attempt as a registered one (server-registration.ts).
 */
const OfflineFileSchema = z.object({
  sessionId: z.string().min(1),
  /** sha256(sessionId, access code): the student signs in again with the same code. */
  codeCheck: z.string().regex(/^[0-9a-f]{64}$/),
});

export interface AttemptPlace {
  dataDir: string;
  examId: string;
  studentId: string;
}

export const offlineAttemptFile = (p: AttemptPlace): string => `${attemptDatabaseFile(p.dataDir, p.examId, p.studentId)}.offline.json`;

/**
 * The offline-started attempt this computer holds for this student, if any: null when there
 * is none or a registration supersedes it. Its database may be gone: the attempt still goes
 * on offline (the attempt marker carries its session, start and score into a new file with
 * a finding, attempt-file.ts) rather than registering a fresh attempt the server would take
 * for the first.
 */
export function heldOfflineAttempt(p: AttemptPlace, accessCode: string): { sessionId: string; codeMatches: boolean } | null {
  if (existsSync(registrationFile(p.dataDir, p.examId, p.studentId))) return null;
  try {
    const parsed = OfflineFileSchema.safeParse(JSON.parse(readFileSync(offlineAttemptFile(p), 'utf8')));
    if (!parsed.success) return null;
    return { sessionId: parsed.data.sessionId, codeMatches: codeCheck(parsed.data.sessionId, accessCode) === parsed.data.codeCheck };
  } catch {
    return null;
  }
}

export function markOfflineAttempt(p: AttemptPlace, sessionId: string, accessCode: string): void {
  const file = offlineAttemptFile(p);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ sessionId, codeCheck: codeCheck(sessionId, accessCode) })}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/** The escrow registered the attempt: keep its registration, drop the offline marker. */
export function offlineAttemptRegistered(p: AttemptPlace & { accessCode: string }, answer: RegistrationResponse, wallNow: number): void {
  keepRegistration(p, answer, wallNow);
  rmSync(offlineAttemptFile(p), { force: true });
}
