import { afterEach, describe, expect, it } from 'vitest';
import { evolveKeyBy, tagFor } from '../../src-main/audit/keyed-chain';
import { sha256Hex } from '../../src-main/audit/hash-chain';
import type { RegistrationResponse } from '../../src-main/contract/exam-server-api';
import type { ExamServer } from '../../src-server/exam-server';
import { attemptToken } from '../../src-server/credentials';
import { asProctor, call, register, sealedLog, sendCheckpoint, startServerWithDemoExam, upload } from '../exam-server-fixture';

// The server is the anchor: what a student (or anyone on the network) can try against it,
// and that each try fails closed with a clear message and leaves evidence where it should.

let server: ExamServer;
let alice: RegistrationResponse;
let bob: RegistrationResponse;
afterEach(async () => {
  await server.close();
});

async function setUp(opts: Parameters<typeof startServerWithDemoExam>[0] = {}) {
  const started = await startServerWithDemoExam(opts);
  server = started.server;
  alice = await register(server, 'alice', started.roster.codes.alice!);
  bob = await register(server, 'bob', started.roster.codes.bob!);
}

const flagPath = (a: RegistrationResponse, student: string) => `/api/flagged-activity/${a.sessionId}/${student}`;
const submissionPath = (a: RegistrationResponse, student: string) => `/api/submissions/${a.sessionId}/${student}`;

async function refusals(a: RegistrationResponse) {
  return ((await asProctor(server, 'GET', `/api/proctor/sessions/${a.sessionId}`)).body as { checkpoints: { refused: { reason: string; seq: number }[] } })
    .checkpoints.refused;
}

describe('forged uploads', () => {
  it('an upload without the token is refused 401 and stores nothing', async () => {
    await setUp();
    for (const path of [flagPath(alice, 'alice'), submissionPath(alice, 'alice')]) {
      const r = await upload(server, path, { answers: { q1: 'a' }, level: 'high' }, null);
      expect(r).toMatchObject({ status: 401, body: { message: 'this request needs the attempt token from registration (Authorization: Bearer <token>)' } });
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
    expect(server.sessions()).toEqual({});
  });

  it('a made-up token, or a token of another server, is refused 401', async () => {
    await setUp();
    for (const token of ['garbage', `vat1.${Buffer.from(alice.sessionId).toString('base64url')}.AAAA`, attemptToken(Buffer.alloc(32, 7), alice.sessionId)]) {
      expect(await upload(server, flagPath(alice, 'alice'), { n: 1 }, token)).toMatchObject({ status: 401, body: { message: 'the attempt token is not valid on this server' } });
    }
    expect(server.sessions()).toEqual({});
    // The same check for channels beside HTTP.
    expect(server.attemptForToken(alice.token)).toMatchObject({ sessionId: alice.sessionId, studentId: 'alice' });
    expect(server.attemptForToken(attemptToken(Buffer.alloc(32, 7), alice.sessionId))).toBeNull();
  });

  it("another student's token is refused 403 with a clear message, on uploads, checkpoints and the session view", async () => {
    await setUp();
    const message = `this attempt token belongs to another attempt; it may act only for its own session, not ${alice.sessionId}`;
    expect(await upload(server, flagPath(alice, 'alice'), { n: 1 }, bob.token)).toMatchObject({ status: 403, body: { message } });
    expect(await upload(server, submissionPath(alice, 'alice'), { answers: { q1: 'wrong' } }, bob.token)).toMatchObject({ status: 403, body: { message } });
    expect(await sendCheckpoint(server, { sessionId: alice.sessionId, token: bob.token }, sealedLog(alice.k0!, 1)[0]!)).toMatchObject({ status: 403 });
    expect((await call(server, 'GET', `/api/sessions/${alice.sessionId}`, undefined, { authorization: `Bearer ${bob.token}` })).status).toBe(403);
    // Bob's own session, but uploading as alice.
    expect(await upload(server, flagPath(bob, 'alice'), { n: 1 }, bob.token)).toMatchObject({
      status: 403,
      body: { message: `session ${bob.sessionId} is another student's attempt; upload only as the student who registered it` },
    });
    expect(server.sessions()).toEqual({});
    expect(await refusals(alice)).toEqual([]);
  });

  it('a session id nobody registered takes no uploads, with or without a token', async () => {
    await setUp();
    expect((await upload(server, '/api/flagged-activity/invented/alice', { n: 1 }, null)).status).toBe(401);
    expect((await upload(server, '/api/flagged-activity/invented/alice', { n: 1 }, alice.token)).status).toBe(403);
    expect(server.sessions()).toEqual({});
  });

  it('with allowUnregisteredUploads, a registered session still needs its own token', async () => {
    await setUp({ allowUnregisteredUploads: true });
    expect((await upload(server, flagPath(alice, 'alice'), { n: 1 }, null)).status).toBe(401);
    expect((await upload(server, flagPath(alice, 'alice'), { n: 1 }, bob.token)).status).toBe(403);
    expect((await upload(server, '/api/flagged-activity/legacy/u1', { n: 1 }, null)).status).toBe(201);
    expect(Object.keys(server.sessions())).toEqual(['legacy']);
  });

  it('the token is checked before the idempotency cache: a stolen Idempotency-Key replays nothing', async () => {
    await setUp();
    expect((await upload(server, flagPath(alice, 'alice'), { n: 1 }, alice.token, 'alice-key')).status).toBe(201);
    expect((await upload(server, flagPath(alice, 'alice'), { n: 1 }, null, 'alice-key')).status).toBe(401);
    expect((await upload(server, flagPath(alice, 'alice'), { n: 1 }, bob.token, 'alice-key')).status).toBe(403);
  });
});

describe('checkpoints that do not extend the last', () => {
  it('truncation below the last checkpoint is refused 409 and kept as evidence', async () => {
    await setUp();
    const log = sealedLog(alice.k0!, 100);
    expect((await sendCheckpoint(server, alice, log[99]!)).status).toBe(201);
    // The student cut the log back to row 60 (and its genuine tag, written before the cut).
    const r = await sendCheckpoint(server, alice, log[59]!);
    expect(r).toMatchObject({ status: 409, body: { reason: 'truncated', lastSeq: 100 } });
    expect((r.body as { message: string }).message).toBe('checkpoint at row 60 is below the last accepted checkpoint (row 100): the log cannot go back');
    expect(await refusals(alice)).toMatchObject([{ reason: 'truncated', seq: 60 }]);
  });

  it('a fork from one checkpoint (same row, another hash) is refused 409', async () => {
    await setUp();
    const honest = sealedLog(alice.k0!, 30);
    const forged = sealedLog(alice.k0!, 30, 'rewritten');
    expect((await sendCheckpoint(server, alice, honest[29]!)).status).toBe(201);
    // Even with a tag that is genuinely valid for the other history (the student had K_29 then).
    expect(await sendCheckpoint(server, alice, forged[29]!)).toMatchObject({ status: 409, body: { reason: 'fork' } });
    expect(await sendCheckpoint(server, alice, { ...honest[29]!, tag: forged[29]!.tag })).toMatchObject({ status: 409, body: { reason: 'fork' } });
    // The honest history goes on.
    expect((await sendCheckpoint(server, alice, sealedLog(alice.k0!, 31)[30]!)).status).toBe(201);
    expect((await refusals(alice)).map((x) => x.reason)).toEqual(['fork', 'fork']);
  });

  it('re-sealing with an old key is refused: the tag does not verify at the later row', async () => {
    await setUp();
    const log = sealedLog(alice.k0!, 50);
    expect((await sendCheckpoint(server, alice, log[19]!)).status).toBe(201);
    // The student copied K_5 early on and re-seals a rewritten row 50 with it.
    const hash = sha256Hex('rewritten row 50');
    const r = await sendCheckpoint(server, alice, { seq: 50, hash, tag: tagFor(evolveKeyBy(Buffer.from(alice.k0!, 'base64'), 5), hash) });
    expect(r).toMatchObject({ status: 409, body: { reason: 'bad_tag' } });
    expect((r.body as { message: string }).message).toMatch(/^the tag of row 50 does not verify with the attempt's key for that row/);
    // Another attempt's key does not verify either.
    expect(await sendCheckpoint(server, alice, sealedLog(bob.k0!, 50)[49]!)).toMatchObject({ status: 409, body: { reason: 'bad_tag' } });
    // A changed hash under the honest tag fails too.
    expect(await sendCheckpoint(server, alice, { ...log[49]!, hash })).toMatchObject({ status: 409, body: { reason: 'bad_tag' } });
    expect((await sendCheckpoint(server, alice, log[49]!)).status).toBe(201);
  });

  it('a checkpoint absurdly far ahead is refused without the server evolving a key a billion times', async () => {
    await setUp();
    const r = await sendCheckpoint(server, alice, { seq: 1_000_000_000, hash: 'a'.repeat(64), tag: 'b'.repeat(64) });
    expect(r).toMatchObject({ status: 409, body: { reason: 'too_far' } });
  });

  it("another attempt's checkpoint state is untouched by refusals in this one", async () => {
    await setUp();
    expect((await sendCheckpoint(server, alice, sealedLog(bob.k0!, 5)[4]!)).status).toBe(409);
    expect((await sendCheckpoint(server, bob, sealedLog(bob.k0!, 5)[4]!)).status).toBe(201);
    expect(await refusals(bob)).toEqual([]);
  });
});

describe('starting over', () => {
  it('a student who deleted their attempt and registers again is refused (or flagged, with the same deadline)', async () => {
    const started = await startServerWithDemoExam({ secondAttempt: 'refuse' });
    server = started.server;
    const first = await register(server, 'alice', started.roster.codes.alice!);
    const again = await call(server, 'POST', '/api/sessions', {
      examId: first.exam.id,
      studentId: 'alice',
      deviceId: 'laptop-1',
      appVersion: '0.1.0',
      policyHash: sha256Hex('the default policy'),
      accessCode: started.roster.codes.alice!,
    });
    expect(again).toMatchObject({ status: 409, body: { reason: 'second_attempt', existingSessionId: first.sessionId } });
  });

  it('an escrow cannot replace the K_0 of a session the server already knows', async () => {
    const started = await startServerWithDemoExam({ secondAttempt: 'flag' });
    server = started.server;
    const a = await register(server, 'alice', started.roster.codes.alice!);
    const r = await call(server, 'POST', `/api/sessions/${a.sessionId}/key-escrow`, {
      examId: a.exam.id,
      studentId: 'alice',
      deviceId: 'laptop-1',
      appVersion: '0.1.0',
      policyHash: sha256Hex('the default policy'),
      accessCode: started.roster.codes.alice!,
      k0: Buffer.alloc(32, 1).toString('base64'),
      clientStartedAt: Date.now(),
    });
    expect(r).toMatchObject({ status: 409, body: { reason: 'session_exists' } });
    expect((await asProctor(server, 'GET', `/api/proctor/sessions/${a.sessionId}/key`)).body).toMatchObject({ k0: a.k0 });
  });
});
