// An exam server with the demo exam and a roster on it, and a client's view of it, for the
// loopback tests of registration, tokens and checkpoints.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeKey, evolveKey, tagFor, type Checkpoint } from '../src-main/audit/keyed-chain';
import { sha256Hex } from '../src-main/audit/hash-chain';
import type { RegistrationResponse, SecondAttemptRule } from '../src-main/contract/exam-server-api';
import { DEMO_EXAM_FILE } from '../src-main/exam/exam-files';
import { startExamServer, type ExamServer, type ExamServerOptions } from '../src-server/exam-server';
import type { Policy, Scheduler } from '../src-main/contract';
import { registerOrResume, type ServerAttempt } from '../src-main/session/server-registration';

export const PROCTOR = 'proctor-credential-0123456789';
export const DEMO_EXAM = JSON.parse(readFileSync(DEMO_EXAM_FILE, 'utf8')) as { id: string; durationMinutes: number };
export const POLICY_HASH = sha256Hex('the default policy');

export interface Roster {
  /** studentId -> access code */
  codes: Record<string, string>;
}

export async function startServerWithDemoExam(
  opts: ExamServerOptions & { secondAttempt?: SecondAttemptRule; students?: string[]; requiredPolicyHash?: string | null } = {},
): Promise<{ server: ExamServer; roster: Roster }> {
  const { secondAttempt = 'refuse', students = ['alice', 'bob'], requiredPolicyHash = null, ...serverOpts } = opts;
  const server = await startExamServer({ proctorToken: PROCTOR, ...serverOpts });
  const put = await asProctor(server, 'PUT', `/api/proctor/exams/${DEMO_EXAM.id}`, { exam: DEMO_EXAM, secondAttempt, requiredPolicyHash });
  if (put.status !== 200) throw new Error(`loading the demo exam: ${put.status} ${JSON.stringify(put.body)}`);
  const issued = await asProctor(server, 'POST', `/api/proctor/exams/${DEMO_EXAM.id}/access-codes`, { studentIds: students });
  const codes = Object.fromEntries((issued.body as { codes: { studentId: string; accessCode: string }[] }).codes.map((c) => [c.studentId, c.accessCode]));
  return { server, roster: { codes } };
}

export async function call(
  server: ExamServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export function asProctor(server: ExamServer, method: string, path: string, body?: unknown) {
  return call(server, method, path, body, { authorization: `Bearer ${PROCTOR}` });
}

export function registration(studentId: string, accessCode: string, extra: Record<string, unknown> = {}) {
  return { examId: DEMO_EXAM.id, studentId, deviceId: 'laptop-1', appVersion: '0.1.0', policyHash: POLICY_HASH, accessCode, ...extra };
}

export async function register(server: ExamServer, studentId: string, accessCode: string, extra: Record<string, unknown> = {}): Promise<RegistrationResponse> {
  const res = await call(server, 'POST', '/api/sessions', registration(studentId, accessCode, extra));
  if (res.status !== 201) throw new Error(`registration of ${studentId}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as RegistrationResponse;
}

/** An upload as the client's relay sends it, with the attempt's token and the Config Key it registered with. */
export function upload(server: ExamServer, path: string, body: unknown, token: string | null, key: string = randomUUID(), configKey: string | null = POLICY_HASH) {
  return call(server, 'POST', path, body, {
    'idempotency-key': key,
    ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    ...(configKey === null ? {} : { 'vigil-config-key': configKey }),
  });
}

export function sendCheckpoint(server: ExamServer, attempt: { sessionId: string; token: string }, cp: Checkpoint, key: string = randomUUID()) {
  return upload(server, `/api/sessions/${encodeURIComponent(attempt.sessionId)}/checkpoints`, cp, attempt.token, key);
}

/** Rows 1..n of a log sealed as the client seals it (row s with K_{s-1}); `label` makes another history. */
export function sealedLog(k0: string, n: number, label = 'honest'): Checkpoint[] {
  let key = decodeKey(k0);
  const rows: Checkpoint[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const hash = sha256Hex(`${label} row ${seq}`);
    rows.push({ seq, hash, tag: tagFor(key, hash) });
    key = evolveKey(key);
  }
  return rows;
}

/**
 * The attempt as the app registers it (or resumes it, when `dataDir` already holds it): what
 * tests that open an ExamSession directly pass as its `server` option.
 */
export async function appAttempt(o: { server: ExamServer; dataDir: string; studentId: string; accessCode: string; policy: Policy; scheduler: Scheduler }): Promise<ServerAttempt> {
  const r = await registerOrResume({
    serverUrl: o.server.url,
    dataDir: o.dataDir,
    examId: DEMO_EXAM.id,
    studentId: o.studentId,
    accessCode: o.accessCode,
    policy: o.policy,
    appVersion: '0.1.0-test',
    scheduler: o.scheduler,
  });
  if (!r.ok) throw new Error(`registering ${o.studentId}: ${r.reason}: ${r.message}`);
  return r.value;
}
