import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { decodeKey } from '../audit/keyed-chain';
import { ExamSchema, monotonicNow } from '../contract';
import type { RegistrationResponse } from '../contract/exam-server-api';
import type { Exam, Policy, Scheduler } from '../contract';
import { ExamServerClient, type RegistrationRefusal } from '../upload/exam-server-client';
import { attemptDatabaseFile } from './attempt-file';
import { deviceId } from './device-id';
import { configKey } from '../exam/config-key';
import { compareWithServer, latestWallTime, type CheckpointBreak } from './server-anchor-check';

/** What the session needs from the server's side of an attempt. */
export interface ServerAttempt {
  sessionId: string;
  /** Bearer token for every upload of this attempt. */
  token: string;
  /** K_0 of the chain; present only on a first registration (a resumed attempt has its key). */
  k0: Buffer | null;
  /** The exam the server handed out; null on a resume (the attempt has it under its chain). */
  exam: Exam | null;
  /** Epoch ms on the server's clock; null while the exam's time awaits Start (awaitsCheck). */
  deadline: number | null;
  /** When the exam's time started on the server's clock; null while it awaits Start (or unknown, in an old file). */
  examStartedAt: number | null;
  /** While the time awaits Start: when it starts at the latest (server clock). */
  startBy: number | null;
  /**
   * A restart while the server could not be reached: deadline and clock come from the file kept
   * beside the attempt (not under the chain), so the server is asked again once it answers.
   */
  readOffline?: boolean;
  /** One reading of the server's clock and the monotonic clock at that moment. */
  clockReading: { serverTime: number; monotonicAt: number };
  /** The server's last accepted checkpoint, on a resume while online. */
  lastCheckpoint: { seq: number; hash: string } | null;
  /** How the local log disagreed with that checkpoint, read before the restore wrote anything. */
  checkpointBreak: CheckpointBreak | null;
  /** Why a proctor will look at this attempt ('second-attempt', ...). */
  flags: string[];
  /** The server's Ed25519 key (base64, raw 32 bytes) that signs proctor orders; null from a server without one. */
  serverPublicKey: string | null;
}

export type RegistrationOutcome = { ok: true; value: ServerAttempt } | { ok: false; reason: RegistrationRefusal; message: string };

export interface RegisterOptions {
  serverUrl: string;
  dataDir: string;
  examId: string;
  studentId: string;
  accessCode: string;
  policy: Policy;
  appVersion: string;
  scheduler: Scheduler;
  /** The app checks the machine first: the server starts the exam's time at Start, not now. */
  awaitsCheck?: boolean;
  fetch?: typeof globalThis.fetch;
}

/** Kept beside the attempt's database: what a restart needs to go on with the same attempt. */
const RegistrationFileSchema = z.object({
  sessionId: z.string().min(1),
  token: z.string().min(1),
  /** The server's deadline; null until the server has started the exam's time. */
  deadline: z.number().nullable(),
  /** When the server started the exam's time (absent in files written before Start moved to the server). */
  examStartedAt: z.number().nullable().optional(),
  /** While the time awaits Start: when it starts at the latest. */
  startBy: z.number().nullable().optional(),
  /** serverTime minus the wall clock at registration: the best offline guess after a restart. */
  wallOffset: z.number(),
  /** sha256(sessionId, access code): the student signs in again with the same code. */
  codeCheck: z.string().regex(/^[0-9a-f]{64}$/),
  /** Kept so a restart still verifies proctor orders (absent in files written before issue 12). */
  serverPublicKey: z.string().min(1).optional(),
});
type RegistrationFile = z.infer<typeof RegistrationFileSchema>;

export const registrationFile = (dataDir: string, examId: string, studentId: string): string =>
  `${attemptDatabaseFile(dataDir, examId, studentId)}.registration.json`;

export const codeCheck = (sessionId: string, accessCode: string): string => createHash('sha256').update(`${sessionId}\u0000${accessCode}`).digest('hex');

/**
 * Registers the attempt with the exam server (`POST /api/sessions`) or, when this computer
 * already holds a registered attempt of this student at this exam, resumes it: the same
 * access code, then `GET /status` for the deadline and the last checkpoint (offline, the
 * deadline kept at registration). A deleted attempt has lost its registration too, so it
 * registers again and the server sees the second attempt.
 */
export async function registerOrResume(o: RegisterOptions): Promise<RegistrationOutcome> {
  const client = new ExamServerClient({ serverUrl: o.serverUrl, ...(o.fetch ? { fetch: o.fetch } : {}) });
  const file = registrationFile(o.dataDir, o.examId, o.studentId);
  const kept = existsSync(attemptDatabaseFile(o.dataDir, o.examId, o.studentId)) ? readRegistration(file) : null;
  if (kept) return resume(client, kept, o);

  const answer = await client.register({
    examId: o.examId,
    studentId: o.studentId,
    deviceId: deviceId(o.dataDir),
    appVersion: o.appVersion,
    policyHash: configKey(o.policy),
    accessCode: o.accessCode,
    ...(o.awaitsCheck ? { awaitsCheck: true } : {}),
  });
  const monotonicAt = monotonicNow(o.scheduler);
  if (!answer.ok) return answer;
  const r = answer.value;
  const exam = ExamSchema.safeParse(r.exam);
  if (!exam.success) return { ok: false, reason: 'refused', message: `the exam the server sent cannot be used: ${exam.error.issues[0]?.message ?? 'invalid'}` };
  if (exam.data.id !== o.examId) return { ok: false, reason: 'refused', message: `the server sent exam ${exam.data.id}, not ${o.examId}` };
  let k0: Buffer;
  try {
    if (!r.k0) throw new Error('no key in the answer');
    k0 = decodeKey(r.k0);
  } catch (e) {
    return { ok: false, reason: 'refused', message: `the server's attempt key cannot be used: ${(e as Error).message}` };
  }
  keepRegistration(o, r, o.scheduler.now());
  return {
    ok: true,
    value: {
      sessionId: r.sessionId,
      token: r.token,
      k0,
      exam: exam.data,
      ...examTimeOf(r),
      clockReading: { serverTime: r.serverTime, monotonicAt },
      lastCheckpoint: null,
      checkpointBreak: null,
      flags: r.attempt?.flags ?? [],
      serverPublicKey: r.serverPublicKey ?? null,
    },
  };
}

async function resume(client: ExamServerClient, kept: RegistrationFile, o: RegisterOptions): Promise<RegistrationOutcome> {
  if (codeCheck(kept.sessionId, o.accessCode) !== kept.codeCheck) {
    return { ok: false, reason: 'bad_access_code', message: `wrong access code for the attempt of ${o.studentId} on this computer` };
  }
  const status = await client.status(kept.sessionId, kept.token);
  const monotonicAt = monotonicNow(o.scheduler);
  const base = { sessionId: kept.sessionId, token: kept.token, k0: null, exam: null, flags: [], serverPublicKey: kept.serverPublicKey ?? null };
  if (status.ok) {
    const last = status.value.lastCheckpoint;
    const checkpointBreak = last ? compareWithServer(attemptDatabaseFile(o.dataDir, o.examId, o.studentId), last) : null;
    return {
      ok: true,
      value: { ...base, ...examTimeOf(status.value), clockReading: { serverTime: status.value.serverTime, monotonicAt }, lastCheckpoint: last, checkpointBreak },
    };
  }
  if (status.reason !== 'unreachable') return status;
  // Offline restart: the deadline registered, on the wall clock corrected by the offset measured
  // then, and never earlier than the log's latest time: a clock set back while the app was
  // closed (and the network cut) must not give the student that time again.
  const wallNow = Math.max(o.scheduler.now(), latestWallTime(attemptDatabaseFile(o.dataDir, o.examId, o.studentId)) ?? -Infinity);
  return {
    ok: true,
    value: {
      ...base,
      ...examTimeOf(kept),
      clockReading: { serverTime: wallNow + kept.wallOffset, monotonicAt },
      lastCheckpoint: null,
      checkpointBreak: null,
      readOffline: true,
    },
  };
}

/**
 * Keeps what a restart needs beside the attempt's database: after a registration, or after an
 * offline-started attempt's key escrow registered it (key-escrow.ts).
 */
export function keepRegistration(
  o: { dataDir: string; examId: string; studentId: string; accessCode: string },
  r: Pick<RegistrationResponse, 'sessionId' | 'token' | 'deadline' | 'examStartedAt' | 'startBy' | 'serverTime' | 'serverPublicKey'>,
  wallNow: number,
): void {
  writeRegistration(registrationFile(o.dataDir, o.examId, o.studentId), {
    sessionId: r.sessionId,
    token: r.token,
    deadline: r.deadline,
    examStartedAt: r.examStartedAt ?? null,
    startBy: r.startBy ?? null,
    wallOffset: r.serverTime - wallNow,
    codeCheck: codeCheck(r.sessionId, o.accessCode),
    ...(r.serverPublicKey ? { serverPublicKey: r.serverPublicKey } : {}),
  });
}

/** The exam's time as the server last said it (a server or a file from before Start moved there has only the deadline). */
function examTimeOf(r: { deadline: number | null; examStartedAt?: number | null | undefined; startBy?: number | null | undefined }): Pick<ServerAttempt, 'deadline' | 'examStartedAt' | 'startBy'> {
  return { deadline: r.deadline, examStartedAt: r.examStartedAt ?? null, startBy: r.startBy ?? null };
}

/**
 * The server started the exam's time: kept beside the attempt, so an offline restart runs to
 * the server's deadline (not to its own estimate). A file that cannot be read or written is
 * reported by the caller; the attempt goes on with the deadline it holds.
 */
export function recordServerStart(file: string, start: { examStartedAt: number; deadline: number }): void {
  const kept = readRegistration(file);
  if (!kept) throw new Error(`the registration file ${file} cannot be read`);
  writeRegistration(file, { ...kept, examStartedAt: start.examStartedAt, deadline: start.deadline, startBy: null });
}

function readRegistration(file: string): RegistrationFile | null {
  try {
    const parsed = RegistrationFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function writeRegistration(file: string, r: RegistrationFile): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(r)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
