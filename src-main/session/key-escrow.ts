import type { AuditStore } from '../audit/audit-store';
import { keyEscrowPath } from '../audit/audit-store';
import type { Upload } from '../audit/chained-upload';
import { encodeKey } from '../audit/keyed-chain';
import type { ExamStartRequest, KeyEscrowRequest, RegistrationResponse } from '../contract/exam-server-api';
import type { OutboxItem } from '../contract/outbox';
import type { Policy } from '../contract';
import { configKey } from '../exam/config-key';
import { deviceId } from './device-id';
import type { ExamSessionOptions } from './session-options';

/**
 * An attempt started without the exam server (offline, or demo mode with a server URL) makes
 * its own K_0 and escrows it: `POST /api/sessions/<id>/key-escrow` (src-server/attempt-routes.ts)
 * queued in the outbox with session_started, under the chain. The body is a registration
 * (exam, student, device, app version, Config Key, access code) plus K_0 and the claimed
 * start, so the server can check who the student is and register the attempt, marked
 * offline-started. docs/trust.md says what that can and cannot prove.
 *
 * An attempt that opens at its system check says so (`awaitsCheck`): the server then
 * registers it as not started yet, with the usual `startBy`, and its time starts with the
 * claim queued at Start (`examStartUpload`, under exam_started), bounded by the server's
 * usual rule (src-server/exam-start-route.ts). The server's deadline and the app's then
 * count from the same start.
 */

/** What the student gave at sign-in, kept for the escrow while the server cannot be reached. */
export interface EscrowIdentity {
  accessCode: string;
  appVersion: string;
}

/**
 * Whether a new attempt escrows its K_0 (unless `escrowKey` says): whenever it is not
 * registered, a server URL is configured, and the student signed in, so the escrow can
 * prove who they are. Without a sign-in (demo mode, tools) the server would refuse it.
 */
export function escrowsKey(opts: ExamSessionOptions, policy: Policy): boolean {
  if (opts.server) return false;
  const serverUrl = opts.serverUrl !== undefined ? opts.serverUrl : policy.serverUrl;
  return opts.escrowKey ?? (Boolean(serverUrl) && opts.escrowIdentity !== undefined);
}

/**
 * The escrow upload for K_0. Forced without a sign-in (`escrowKey: true`) it has no access
 * code: the server then refuses it (400), the refusal is recorded, and the attempt's other
 * uploads are no longer held for it (KeyEscrowLink).
 */
export function escrowUpload(
  a: { sessionId: string; examId: string; studentId: string; startedAt: number; dataDir: string; policy: Policy; identity: EscrowIdentity | null; awaitsCheck: boolean },
  k0: Buffer,
): Upload {
  const body: Omit<KeyEscrowRequest, 'accessCode'> & { accessCode?: string } = {
    examId: a.examId,
    studentId: a.studentId,
    deviceId: deviceId(a.dataDir),
    appVersion: a.identity?.appVersion ?? 'unknown',
    policyHash: configKey(a.policy),
    ...(a.identity ? { accessCode: a.identity.accessCode } : {}),
    k0: encodeKey(k0),
    clientStartedAt: a.startedAt,
    ...(a.awaitsCheck ? { awaitsCheck: true } : {}),
  };
  return { path: keyEscrowPath(a.sessionId), body };
}

/**
 * Start pressed on an escrowing attempt that waited for its check: the claim of the start
 * (exam_started's time) for `POST /api/sessions/<id>/start`, queued under exam_started. The
 * outbox holds it until the escrow has brought the token, and sends it until it is answered.
 */
export function examStartUpload(sessionId: string, at: number): Upload {
  const body: ExamStartRequest = { clientStartedAt: Math.round(at) };
  return { path: `/api/sessions/${sessionId}/start`, body };
}

/**
 * The relay's side of an escrowing attempt: until the escrow is delivered, the attempt has no
 * token, so its other uploads (flags, checkpoints, the submission) wait instead of being
 * refused as unauthenticated; the escrow's answer brings the token, used from then on and
 * handed to `onRegistered` (kept beside the database, so a restart resumes the attempt as a
 * registered one). A refused escrow (wrong access code, second attempt) stops the holding:
 * the uploads then go without a token and are refused in their turn, kept in the outbox.
 */
export class KeyEscrowLink {
  private token: string | null = null;
  private escrowId: string | null = null;
  private readonly path: string;

  constructor(
    private readonly a: {
      store: AuditStore;
      sessionId: string;
      onRegistered: (answer: RegistrationResponse) => void;
      log: (line: string) => void;
    },
  ) {
    this.path = keyEscrowPath(a.sessionId);
  }

  readonly currentToken = (): string | null => this.token;

  readonly mayDeliver = (item: OutboxItem): boolean => this.token !== null || item.path === this.path || !this.escrowPending();

  readonly delivered = (item: OutboxItem, answer: unknown): void => {
    if (item.path !== this.path) return;
    const r = answer as Partial<RegistrationResponse> | null;
    if (!r || r.sessionId !== this.a.sessionId || typeof r.token !== 'string' || r.token.length === 0) {
      throw new Error(`the server's answer to the key escrow of ${this.a.sessionId} has no token for it`);
    }
    this.token = r.token;
    this.a.log(`key escrow delivered: session ${this.a.sessionId} is registered with the exam server (offline-started)`);
    this.a.onRegistered(r as RegistrationResponse);
  };

  private escrowPending(): boolean {
    this.escrowId ??= this.a.store.outboxItems().find((o) => o.path === this.path)?.id ?? null;
    return this.escrowId !== null && this.a.store.outboxState(this.escrowId)?.state === 'pending';
  }
}
