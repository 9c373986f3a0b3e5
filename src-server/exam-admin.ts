import { z } from 'zod';
import { ExamSettingsSchema, WireIdSchema, type ExamSettings } from '../src-main/contract/exam-server-api';
import { accessCodeHash, newAccessCode } from './credentials';
import type { ExamServerStorage } from './storage';

/** Putting exams and rosters on the server: shared by the proctor routes and the CLI flags. */

export const AccessCodeRequestSchema = z.object({
  studentIds: z.array(WireIdSchema).min(1).max(10_000),
  /** Replace codes already issued (the old ones stop working). */
  reissue: z.boolean().default(false),
});

export interface IssuedCodes {
  /** Shown once: the server keeps only a keyed hash. */
  codes: { studentId: string; accessCode: string }[];
  /** Students who already had a code, left unchanged (ask with reissue to replace). */
  unchanged: string[];
}

/** Adds or replaces an exam. Settings are checked here, whoever calls. */
export function putExam(storage: ExamServerStorage, input: unknown, now: number): ExamSettings {
  const parsed = ExamSettingsSchema.safeParse(input);
  if (!parsed.success) throw new Error(`not valid exam settings: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
  storage.putExam({ examId: parsed.data.exam.id, ...parsed.data, updatedAt: now });
  return parsed.data;
}

export function issueAccessCodes(
  storage: ExamServerStorage,
  secret: Buffer,
  examId: string,
  request: z.input<typeof AccessCodeRequestSchema>,
  now: number,
): IssuedCodes {
  const { studentIds, reissue } = AccessCodeRequestSchema.parse(request);
  if (!storage.exam(examId)) throw new Error(`there is no exam "${examId}" on this server`);
  return storage.transaction(() => {
    const issued: IssuedCodes = { codes: [], unchanged: [] };
    for (const studentId of new Set(studentIds)) {
      if (!reissue && storage.accessCodeHash(examId, studentId) !== undefined) {
        issued.unchanged.push(studentId);
        continue;
      }
      const accessCode = newAccessCode();
      storage.setAccessCodeHash(examId, studentId, accessCodeHash(secret, examId, studentId, accessCode), now);
      issued.codes.push({ studentId, accessCode });
    }
    return issued;
  });
}
