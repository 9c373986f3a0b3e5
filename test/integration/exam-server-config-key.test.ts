import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src-main/audit/hash-chain';
import type { ExamServer } from '../../src-server/exam-server';
import { DEMO_EXAM, POLICY_HASH, asProctor, register, startServerWithDemoExam, upload } from '../exam-server-fixture';

// The server compares the Config Key every upload carries (`vigil-config-key`) with the one
// its attempt registered with and the one the exam requires. A mismatch is stored, marked
// and shown to the proctor; a submission is never refused for it.

const OTHER_POLICY = sha256Hex('a policy with the detectors switched off');
let servers: ExamServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
  servers = [];
});

async function start(requiredPolicyHash: string | null = null) {
  const started = await startServerWithDemoExam({ requiredPolicyHash });
  servers.push(started.server);
  return started;
}

async function proctorView(server: ExamServer, sessionId: string) {
  const res = await asProctor(server, 'GET', `/api/proctor/sessions/${sessionId}`);
  expect(res.status).toBe(200);
  return res.body as {
    attempt: { flags: string[]; configMismatches: number };
    uploads: { flags: { configMismatch?: unknown }[]; submissions: { configMismatch?: unknown; body: unknown }[] };
  };
}

describe('the Config Key on uploads', () => {
  it('the registered key: stored as usual, nothing marked', async () => {
    const { server, roster } = await start();
    const a = await register(server, 'alice', roster.codes.alice!);
    const res = await upload(server, `/api/flagged-activity/${a.sessionId}/alice`, { report: 'x' }, a.token);
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('configMismatch');
    const view = await proctorView(server, a.sessionId);
    expect(view.attempt.flags).not.toContain('config-mismatch');
    expect(view.attempt.configMismatches).toBe(0);
    expect(view.uploads.flags[0]).not.toHaveProperty('configMismatch');
  });

  it('another key or none: the upload and the submission are stored, marked config_mismatch, and the attempt is flagged', async () => {
    const { server, roster } = await start();
    const a = await register(server, 'alice', roster.codes.alice!);
    const flag = await upload(server, `/api/flagged-activity/${a.sessionId}/alice`, { report: 'x' }, a.token, undefined, null);
    expect(flag.status).toBe(201);
    expect(flag.body).toMatchObject({ ok: true, configMismatch: { sent: null, registered: POLICY_HASH, required: null } });

    const submission = { answers: { q1: 'my answer' }, riskScore: 0 };
    const sub = await upload(server, `/api/submissions/${a.sessionId}/alice`, submission, a.token, 'sub-1', OTHER_POLICY);
    // The student's work is kept: a 2xx the client counts as delivered, and a mark for the proctor.
    expect(sub.status).toBe(201);
    expect(sub.body).toMatchObject({ ok: true, id: 'sub-1', stored: 'submission', configMismatch: { sent: OTHER_POLICY, registered: POLICY_HASH } });

    const view = await proctorView(server, a.sessionId);
    expect(view.attempt.flags).toContain('config-mismatch');
    expect(view.attempt.configMismatches).toBe(2);
    expect(view.uploads.submissions).toHaveLength(1);
    expect(view.uploads.submissions[0]).toMatchObject({ body: submission, configMismatch: { sent: OTHER_POLICY, registered: POLICY_HASH, required: null } });
    expect(view.uploads.flags[0]).toMatchObject({ configMismatch: { sent: null } });
    // It counts as the submission: a second one is refused as before.
    expect((await upload(server, `/api/submissions/${a.sessionId}/alice`, submission, a.token, 'sub-2')).status).toBe(409);
    // The attempt list shows the flag too.
    const list = await asProctor(server, 'GET', `/api/proctor/exams/${DEMO_EXAM.id}/attempts`);
    expect((list.body as { attempts: { flags: string[] }[] }).attempts[0]!.flags).toContain('config-mismatch');
  });

  it("the exam's required key is compared too (a requirement set after the attempt registered)", async () => {
    const { server, roster } = await start(POLICY_HASH);
    const a = await register(server, 'alice', roster.codes.alice!);
    expect((await upload(server, `/api/flagged-activity/${a.sessionId}/alice`, { n: 1 }, a.token)).body).not.toHaveProperty('configMismatch');
    const put = await asProctor(server, 'PUT', `/api/proctor/exams/${DEMO_EXAM.id}`, { exam: DEMO_EXAM, requiredPolicyHash: OTHER_POLICY });
    expect(put.status).toBe(200);
    const res = await upload(server, `/api/flagged-activity/${a.sessionId}/alice`, { n: 2 }, a.token);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ configMismatch: { sent: POLICY_HASH, registered: POLICY_HASH, required: OTHER_POLICY } });
  });

  it('a mismatch does not let anything past the token checks', async () => {
    const { server, roster } = await start();
    const a = await register(server, 'alice', roster.codes.alice!);
    const b = await register(server, 'bob', roster.codes.bob!);
    expect((await upload(server, `/api/submissions/${a.sessionId}/alice`, { answers: {} }, null, undefined, OTHER_POLICY)).status).toBe(401);
    expect((await upload(server, `/api/submissions/${a.sessionId}/alice`, { answers: {} }, b.token, undefined, OTHER_POLICY)).status).toBe(403);
    expect((await proctorView(server, a.sessionId)).attempt.configMismatches).toBe(0);
  });
});
