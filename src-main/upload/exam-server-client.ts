import type { AttemptStatus, ExamStartRequest, ExamStartResponse, RegistrationRequest, RegistrationResponse } from '../contract/exam-server-api';

/**
 * Why a registration (or a status read) did not give the app an attempt. Each has its own
 * message for the student: a wrong code is theirs to fix, a refused second attempt is the
 * proctor's, an unreachable server may pass.
 */
export type RegistrationRefusal =
  | 'bad_access_code'
  | 'second_attempt'
  | 'policy_mismatch'
  | 'unknown_exam'
  | 'unreachable'
  | 'refused';

export type ServerAnswer<T> = { ok: true; value: T } | { ok: false; reason: RegistrationRefusal; message: string };

export interface ExamServerClientOptions {
  /** Base URL, e.g. http://127.0.0.1:8080 (a trailing slash is dropped). */
  serverUrl: string;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}

/**
 * The calls the app makes to the exam server outside the outbox: registering an attempt
 * (`POST /api/sessions`), starting its time (`POST .../start`) and reading its status on
 * restart. Each must be answered now, so none is queued; uploads go through the outbox
 * relay. Never throws.
 */
export class ExamServerClient {
  private readonly base: string;
  private readonly fetch: typeof globalThis.fetch;
  private readonly timeoutMs: number;

  constructor(opts: ExamServerClientOptions) {
    this.base = opts.serverUrl.replace(/\/+$/, '');
    this.fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  register(request: RegistrationRequest): Promise<ServerAnswer<RegistrationResponse>> {
    return this.call<RegistrationResponse>('POST', '/api/sessions', request, null, isRegistration);
  }

  status(sessionId: string, token: string): Promise<ServerAnswer<AttemptStatus>> {
    return this.call<AttemptStatus>('GET', `/api/sessions/${encodeURIComponent(sessionId)}/status`, undefined, token, isStatus);
  }

  /** The student pressed Start: the server starts the exam's time (or says when it started). */
  start(sessionId: string, token: string, request: ExamStartRequest): Promise<ServerAnswer<ExamStartResponse>> {
    return this.call<ExamStartResponse>('POST', `/api/sessions/${encodeURIComponent(sessionId)}/start`, request, token, isStart);
  }

  private async call<T>(method: string, path: string, body: unknown, token: string | null, valid: (v: unknown) => boolean): Promise<ServerAnswer<T>> {
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(`${this.base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (e) {
      return { ok: false, reason: 'unreachable', message: `the exam server at ${this.base} cannot be reached (${describe(e)})` };
    }
    const parsed = parseJson(text);
    if (response.status >= 200 && response.status < 300) {
      if (!valid(parsed)) return { ok: false, reason: 'refused', message: `the exam server's answer to ${method} ${path} is not what this app expects` };
      return { ok: true, value: parsed as T };
    }
    const fields = (parsed && typeof parsed === 'object' ? parsed : {}) as { reason?: unknown; message?: unknown };
    const message = typeof fields.message === 'string' ? fields.message : `HTTP ${response.status}`;
    // 5xx and 429 may pass: the student can try again; the rest is a decision.
    if (response.status >= 500 || response.status === 429) return { ok: false, reason: 'unreachable', message: `the exam server is not answering properly (${message})` };
    return { ok: false, reason: refusalOf(response.status, fields.reason), message };
  }
}

function refusalOf(status: number, reason: unknown): RegistrationRefusal {
  if (reason === 'bad_access_code' || reason === 'second_attempt' || reason === 'policy_mismatch') return reason;
  if (status === 404) return 'unknown_exam';
  return 'refused';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function isRegistration(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.sessionId === 'string' &&
    typeof v.token === 'string' &&
    typeof v.serverTime === 'number' &&
    isTime(v.deadline) &&
    typeof v.startedAt === 'number' &&
    isObject(v.exam)
  );
}

function isStatus(v: unknown): boolean {
  return isObject(v) && typeof v.serverTime === 'number' && isTime(v.deadline) && (v.lastCheckpoint === null || isObject(v.lastCheckpoint));
}

function isStart(v: unknown): boolean {
  return isObject(v) && typeof v.serverTime === 'number' && typeof v.examStartedAt === 'number' && typeof v.deadline === 'number';
}

/** A deadline or start: a number, or null while the exam's time has not started. */
const isTime = (v: unknown): boolean => v === null || typeof v === 'number';

function describe(e: unknown): string {
  if (e instanceof Error) return e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message;
  return String(e);
}
