import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startExamServer, type ExamServer } from '../../src-server/exam-server';

// Uploads from clients that do not register (allowUnregisteredUploads); registered attempts are in exam-server-attempts.test.ts.
const PROCTOR = 'proctor-credential-for-tests';
const asProctor = { headers: { authorization: `Bearer ${PROCTOR}` } };
let server: ExamServer;
beforeEach(async () => {
  server = await startExamServer({ allowUnregisteredUploads: true, proctorToken: PROCTOR });
});
afterEach(async () => {
  await server.close();
});

function post(path: string, body: string, key: string | null = 'key-1') {
  return fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body });
}
async function json(res: Response) {
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('reference exam server', () => {
  it('answers /ping like the seed, on loopback', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await json(await fetch(`${server.url}/ping`))).toEqual({ status: 200, body: { message: 'Server is running' } });
  });

  it('stores flags and a submission and shows them per session', async () => {
    expect(await json(await post('/api/flagged-activity/s1/u1', '{"level":"high"}', 'f1'))).toEqual({ status: 201, body: { ok: true, id: 'f1', stored: 'flag' } });
    expect((await post('/api/submissions/s1/u1', '{"answers":{"q1":"B"}}', 'sub1')).status).toBe(201);
    const view = (await json(await fetch(`${server.url}/api/sessions/s1`, asProctor))).body as { flags: { body: unknown; idempotencyKey: string; studentId: string }[]; submissions: { body: unknown }[] };
    expect(view.flags).toMatchObject([{ studentId: 'u1', idempotencyKey: 'f1', body: { level: 'high' } }]);
    expect(view.submissions).toMatchObject([{ body: { answers: { q1: 'B' } } }]);
    expect(server.sessions()).toEqual({ s1: view });
    expect(await json(await fetch(`${server.url}/api/sessions/other`, asProctor))).toEqual({ status: 200, body: { sessionId: 'other', flags: [], submissions: [] } });
  });

  it('accepts URL-encoded ids such as e-mail addresses', async () => {
    const student = 'a.nguyen@uni.example';
    expect((await post(`/api/flagged-activity/sess-9/${encodeURIComponent(student)}`, '{"n":1}', 'e1')).status).toBe(201);
    expect(server.sessions()['sess-9']!.flags[0]!.studentId).toBe(student);
  });

  it('a repeated Idempotency-Key gets the first response and stores nothing twice', async () => {
    const first = await post('/api/flagged-activity/s1/u1', '{"n":1}', 'same');
    const again = await post('/api/flagged-activity/s1/u1', '{"n":1}', 'same');
    expect(again.status).toBe(first.status);
    expect(await again.text()).toBe(await first.text());
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(server.sessions().s1!.flags).toHaveLength(1);
    // The same key for a different request is refused.
    expect(await json(await post('/api/flagged-activity/s1/u1', '{"n":2}', 'same'))).toEqual({ status: 422, body: { message: 'Idempotency-Key same was already used for a different request' } });
    expect(server.sessions().s1!.flags).toHaveLength(1);
  });

  it('refuses garbage with a 400 and a message', async () => {
    const cases: [string, string, string | null, number, string][] = [
      ['/api/flagged-activity/s1/u1', '{"n":1}', null, 400, 'the Idempotency-Key header is required'],
      ['/api/flagged-activity/s1/u1', 'not json{', 'g1', 400, 'request body is not valid JSON'],
      ['/api/flagged-activity/s1/u1', '[1,2]', 'g2', 400, 'request body must be a JSON object'],
      ['/api/submissions/s1/u1', '{"note":"no answers"}', 'g3', 400, 'a submission needs an "answers" array or object'],
      ['/api/flagged-activity/s%0Ax/u1', '{}', 'g4', 400, 'session and student ids must be 1-128 characters'],
      ['/api/flagged-activity/s%E0%A4%A/u1', '{}', 'g6', 400, 'malformed URL encoding'],
      ['/api/nowhere', '{}', 'g5', 404, 'no such endpoint: POST /api/nowhere'],
    ];
    for (const [path, body, key, status, message] of cases) {
      const r = await json(await post(path, body, key));
      expect(r.status, path + body).toBe(status);
      expect((r.body as { message: string }).message).toContain(message);
    }
    expect((await fetch(`${server.url}/api/submissions/s1/u1`)).status).toBe(405);
    expect(server.sessions()).toEqual({});
  });

  it('refuses a second submission by the same student, and oversized bodies', async () => {
    expect((await post('/api/submissions/s1/u1', '{"answers":[]}', 'a')).status).toBe(201);
    expect(await json(await post('/api/submissions/s1/u1', '{"answers":[1]}', 'b'))).toEqual({ status: 409, body: { message: 'student u1 has already submitted in session s1' } });
    const small = await startExamServer({ maxBodyBytes: 100, allowUnregisteredUploads: true });
    const r = await fetch(`${small.url}/api/flagged-activity/s1/u1`, { method: 'POST', headers: { 'idempotency-key': 'big' }, body: JSON.stringify({ x: 'y'.repeat(500) }) });
    expect(r.status).toBe(413);
    await small.close();
  });

  it('answers 503 and stores nothing while unavailable', async () => {
    server.setAvailable(false);
    expect((await fetch(`${server.url}/ping`)).status).toBe(503);
    expect(await json(await post('/api/flagged-activity/s1/u1', '{"n":1}', 'k'))).toEqual({ status: 503, body: { message: 'Server unavailable' } });
    server.setAvailable(true);
    expect((await post('/api/flagged-activity/s1/u1', '{"n":1}', 'k')).status).toBe(201);
    expect(server.sessions().s1!.flags).toHaveLength(1);
  });

  it('a restart on the same port with the same store keeps uploads and keys', async () => {
    await post('/api/flagged-activity/s1/u1', '{"n":1}', 'k1');
    const { port, store } = server;
    await server.close();
    await expect(fetch(`http://127.0.0.1:${port}/ping`)).rejects.toThrow();
    server = await startExamServer({ port, store, allowUnregisteredUploads: true, proctorToken: PROCTOR });
    expect(server.port).toBe(port);
    expect((await post('/api/flagged-activity/s1/u1', '{"n":1}', 'k1')).headers.get('idempotent-replayed')).toBe('true');
    expect(server.sessions().s1!.flags).toHaveLength(1);
  });

  it('injected faults: malformed ack and dropped connection store; server-error does not', async () => {
    server.injectFault('malformed-ack');
    const bad = await post('/api/flagged-activity/s1/u1', '{"n":1}', 'm1');
    expect(bad.status).toBe(200);
    expect(await bad.text()).toMatch(/^<html>/);
    server.injectFault('drop-connection');
    await expect(post('/api/flagged-activity/s1/u1', '{"n":2}', 'd1')).rejects.toThrow();
    server.injectFault('server-error');
    expect((await post('/api/flagged-activity/s1/u1', '{"n":3}', 'e1')).status).toBe(500);
    expect(server.sessions().s1!.flags.map((f) => f.idempotencyKey)).toEqual(['m1', 'd1']);
  });
});
