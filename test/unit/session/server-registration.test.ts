import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PolicySchema, defaultPolicy } from '../../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../../src-main/exam/exam-files';
import { deviceId } from '../../../src-main/session/device-id';
import { configKey } from '../../../src-main/exam/config-key';
import { registerOrResume } from '../../../src-main/session/server-registration';
import { ExamServerClient } from '../../../src-main/upload/exam-server-client';
import { FakeClock } from '../../fake-clock';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-reg-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A fetch that answers every request with `status` and `body` (a string is sent as is). */
const answering = (status: number, body: unknown): typeof fetch =>
  (async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status })) as typeof fetch;

const request = { examId: 'e', studentId: 's', deviceId: 'd', appVersion: '1', policyHash: 'a'.repeat(64), accessCode: 'c' };

describe('deviceId', () => {
  it('is made once and kept; a damaged file gets a new one', () => {
    const first = deviceId(dir);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(deviceId(dir)).toBe(first);
    writeFileSync(path.join(dir, 'device-id'), 'not an id');
    const second = deviceId(dir);
    expect(second).not.toBe(first);
    expect(readFileSync(path.join(dir, 'device-id'), 'utf8').trim()).toBe(second);
  });
});

describe('the Config Key the app registers with', () => {
  it('is the same for the same rules however written, and changes with any rule', () => {
    const a = PolicySchema.parse({ schemaVersion: 1, windowSeconds: 5, ledger: { behaviourCap: 60 } });
    const b = PolicySchema.parse({ ledger: { behaviourCap: 60 }, schemaVersion: 1 });
    expect(configKey(a)).toBe(configKey(b));
    expect(configKey(a)).toBe(configKey(defaultPolicy()));
    expect(configKey(PolicySchema.parse({ schemaVersion: 1, windowSeconds: 6 }))).not.toBe(configKey(a));
    expect(configKey(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('ExamServerClient', () => {
  const client = (f: typeof fetch) => new ExamServerClient({ serverUrl: 'http://server.test/', fetch: f });

  it('maps each refusal to its reason, and a server error to unreachable (the student may retry)', async () => {
    expect(await client(answering(403, { reason: 'bad_access_code', message: 'no' })).register(request)).toMatchObject({ ok: false, reason: 'bad_access_code' });
    expect(await client(answering(409, { reason: 'second_attempt', message: 'one only' })).register(request)).toEqual({ ok: false, reason: 'second_attempt', message: 'one only' });
    expect(await client(answering(403, { reason: 'policy_mismatch', message: 'x' })).register(request)).toMatchObject({ reason: 'policy_mismatch' });
    expect(await client(answering(404, { message: 'no exam' })).register(request)).toMatchObject({ reason: 'unknown_exam' });
    expect(await client(answering(400, 'not json')).register(request)).toMatchObject({ reason: 'refused', message: 'HTTP 400' });
    expect(await client(answering(503, { message: 'down' })).register(request)).toMatchObject({ reason: 'unreachable' });
    const throwing = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    expect(await client(throwing).register(request)).toMatchObject({ reason: 'unreachable', message: expect.stringContaining('http://server.test') });
  });

  it('refuses a 2xx that is not a registration', async () => {
    expect(await client(answering(201, { sessionId: 'x' })).register(request)).toMatchObject({ ok: false, reason: 'refused' });
    expect(await client(answering(201, 'garbage')).register(request)).toMatchObject({ ok: false, reason: 'refused' });
  });
});

describe('registerOrResume', () => {
  const exam = (() => {
    const e = loadExamFile(DEMO_EXAM_FILE);
    if (!e.ok) throw new Error(e.error.message);
    return e.value;
  })();
  const good = { sessionId: 'sess-1', k0: Buffer.alloc(32, 1).toString('base64'), serverTime: 5, startedAt: 5, deadline: 10, token: 't', exam, origin: 'online', attempt: { number: 1, secondAttemptOf: null, flags: [] } };
  const opts = (f: typeof fetch) => ({ serverUrl: 'http://server.test', dataDir: dir, examId: exam.id, studentId: 's', accessCode: 'c', policy: defaultPolicy(), appVersion: '1', scheduler: new FakeClock(0), fetch: f });

  it('takes a good registration and refuses an answer with another exam, a bad exam or a bad key', async () => {
    expect(await registerOrResume(opts(answering(201, good)))).toMatchObject({ ok: true, value: { sessionId: 'sess-1', token: 't', deadline: 10, exam: { id: exam.id } } });
    expect(await registerOrResume(opts(answering(201, { ...good, exam: { ...exam, id: 'other' } })))).toMatchObject({ ok: false, message: expect.stringMatching(/sent exam other/) });
    expect(await registerOrResume(opts(answering(201, { ...good, exam: { ...exam, questions: [] } })))).toMatchObject({ ok: false, message: expect.stringMatching(/exam the server sent cannot be used/) });
    expect(await registerOrResume(opts(answering(201, { ...good, k0: 'short' })))).toMatchObject({ ok: false, message: expect.stringMatching(/attempt key cannot be used/) });
    expect(await registerOrResume(opts(answering(201, { ...good, k0: undefined })))).toMatchObject({ ok: false, message: expect.stringMatching(/no key/) });
  });
});
