import { z } from 'zod';
import { ExamSchema } from './exam';

/**
 * The exam server's registration and checkpoint wire format, shared by the server
 * (src-server/) and the client that registers an attempt. See README, "The exam server".
 */

/** Ids arrive in URL paths too: real ones include e-mail addresses, so only control characters and '/' are refused. */
export const WireIdSchema = z.string().regex(/^[^\u0000-\u001f\u007f/]{1,128}$/, 'ids are 1-128 characters without "/" or control characters');
const HEX_64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters');
/** A 32-byte key in base64. */
const KEY_BASE64 = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64 (44 characters)');

export const SECOND_ATTEMPT_RULES = ['refuse', 'flag'] as const;
export type SecondAttemptRule = (typeof SECOND_ATTEMPT_RULES)[number];

/** How an exam is put on the server (proctor credential). */
export const ExamSettingsSchema = z.object({
  exam: ExamSchema,
  /** A second registration by the same student at this exam: refused (409) or a new, flagged attempt. */
  secondAttempt: z.enum(SECOND_ATTEMPT_RULES).default('refuse'),
  /** When set, only an app running this policy (its Config Key) may register. */
  requiredPolicyHash: HEX_64.nullable().default(null),
  /**
   * The most time an attempt's pre-exam system check may take before its exam time starts
   * anyway (minutes after registration). Bounds what delaying or faking Start can gain.
   */
  maxCheckMinutes: z.number().int().min(0).max(240).default(15),
});
export type ExamSettings = z.infer<typeof ExamSettingsSchema>;

export const RegistrationRequestSchema = z.object({
  examId: WireIdSchema,
  studentId: WireIdSchema,
  deviceId: WireIdSchema,
  appVersion: z.string().min(1).max(64),
  /** SHA-256 of the policy the app runs (the Config Key). */
  policyHash: HEX_64,
  /** The per-student exam access code the institution handed out (the student's proof of identity). */
  accessCode: z.string().min(1).max(128),
  /**
   * The app runs its pre-exam system check first: the exam's time starts at
   * `POST /api/sessions/:id/start`, and at `startBy` at the latest. Without it the time starts now.
   */
  awaitsCheck: z.boolean().optional(),
});
export type RegistrationRequest = z.infer<typeof RegistrationRequestSchema>;

/** An attempt the client started offline, registered once it reaches the server. */
export const KeyEscrowRequestSchema = RegistrationRequestSchema.extend({
  /** The K_0 the client generated for its chain. */
  k0: KEY_BASE64,
  /** When the client says the attempt started (epoch ms; not trusted, see README). */
  clientStartedAt: z.number().int().nonnegative(),
});
export type KeyEscrowRequest = z.infer<typeof KeyEscrowRequestSchema>;

export type AttemptOrigin = 'online' | 'offline-started';

export interface AttemptInfo {
  /** 1 for the first attempt of this student at this exam. */
  number: number;
  /** The first attempt's session id when this is a flagged later attempt, else null. */
  secondAttemptOf: string | null;
  /** Why a proctor should look: 'second-attempt', 'offline-started'. */
  flags: string[];
}

export interface RegistrationResponse {
  sessionId: string;
  /** K_0 of the keyed chain, base64. Absent in the answer to a key escrow (the client made it). */
  k0?: string;
  /** The server's clock at registration (epoch ms): the client measures its offset from it. */
  serverTime: number;
  startedAt: number;
  /**
   * Epoch ms on the server's clock. Local clock changes cannot move it. Null while the attempt
   * awaits its system check (its time has not started).
   */
  deadline: number | null;
  /** When the exam's time started (server clock); null while it awaits its system check. */
  examStartedAt: number | null;
  /** While the exam's time has not started: when it starts at the latest (server clock); else null. */
  startBy: number | null;
  /** Per-attempt bearer token for every upload of this attempt. */
  token: string;
  /** The server's Ed25519 public key (raw 32 bytes, base64): proctor orders are signed with it. */
  serverPublicKey?: string;
  /** The exam content; the client caches it in the attempt and puts it under its chain. */
  exam: z.infer<typeof ExamSchema>;
  origin: AttemptOrigin;
  attempt: AttemptInfo;
}

/**
 * `GET /api/sessions/:id/status` (attempt token): what a restarting client checks its
 * restored attempt against while online.
 */
export interface AttemptStatus {
  sessionId: string;
  serverTime: number;
  startedAt: number;
  /** Null while the attempt awaits its system check. */
  deadline: number | null;
  examStartedAt: number | null;
  startBy: number | null;
  origin: AttemptOrigin;
  /** The last checkpoint the server accepted; the client's row at `seq` must still have `hash`. */
  lastCheckpoint: { seq: number; hash: string } | null;
  submitted: boolean;
}

/**
 * `POST /api/sessions/:id/start` (attempt token): the student pressed Start. Online the server
 * starts the time now; a client that started while the server was unreachable sends when it
 * started (its estimate of the server's clock), which the server bounds (README, "Start").
 */
export const ExamStartRequestSchema = z
  .object({
    clientStartedAt: z.number().int().nonnegative().optional(),
  })
  .strict();
export type ExamStartRequest = z.infer<typeof ExamStartRequestSchema>;

export interface ExamStartResponse {
  sessionId: string;
  serverTime: number;
  /** When the exam's time started (server clock); the same on every later call. */
  examStartedAt: number;
  /** The server's deadline (epoch ms, server clock). */
  deadline: number;
}

export const CheckpointRequestSchema = z.object({
  seq: z.number().int().min(1),
  hash: HEX_64,
  tag: HEX_64,
});
export type CheckpointRequest = z.infer<typeof CheckpointRequestSchema>;

/** Why the server refused a checkpoint (409). */
export type CheckpointRefusalReason = 'truncated' | 'fork' | 'bad_tag' | 'too_far';
