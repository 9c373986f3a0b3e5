import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveFlagReport, LiveRiskReport } from '../../src-main/contract/live-report';
import type { LiveTimeline } from '../../src-main/contract/live-view';
import { startExamServer, type ExamServer } from '../../src-server/exam-server';
import { PROCTOR, asProctor, call, register, startServerWithDemoExam, upload } from '../exam-server-fixture';
import { flagFileFor } from '../flag-file-factory';

// The drill-down's timeline over HTTP: what the app streamed and uploaded, behind the proctor
// credential, and still there after the server restarts on the same data directory.

let dir: string;
let server: ExamServer | null = null;
const sockets: Socket[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-live-timeline-'));
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await server?.close();
  server = null;
  rmSync(dir, { recursive: true, force: true });
});

async function connect(token: string): Promise<Socket> {
  const s = io(server!.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => s.once('connect', () => resolve()).once('connect_error', reject));
  return s;
}
const send = async (s: Socket, event: string, payload: unknown) => expect(await s.timeout(5000).emitWithAck(event, payload)).toEqual({ ok: true });
const timelineOf = async (sessionId: string) => {
  const res = await asProctor(server!, 'GET', `/api/proctor/live/sessions/${sessionId}/timeline`);
  expect(res.status).toBe(200);
  return res.body as LiveTimeline;
};

describe('GET /api/proctor/live/sessions/:id/timeline', () => {
  it("shows what the app streamed and uploaded, in the review's model, and survives a restart", async () => {
    const started = await startServerWithDemoExam({ dataDir: dir, students: ['alice'] });
    server = started.server;
    const alice = await register(server, 'alice', started.roster.codes.alice!);
    const t = alice.startedAt;
    const s = await connect(alice.token);
    const focus = { at: t + 30_000, source: 'integrity' as const, code: 'focus_lost', points: 15, message: 'Left the exam window for 6 s' };
    await send(s, 'vigil_risk', { score: 15, level: 'low', locked: false, warning: null, reasons: [focus], at: t + 31_000 } satisfies LiveRiskReport);
    await send(s, 'vigil_flag', {
      sequence: 12,
      level: 'high',
      probability: 0.81,
      patterns: [{ pattern: 'biometric_drift', severity: 0.72, explanation: 'Typing rhythm unlike the enrolled typist' }],
      at: t + 65_000,
    } satisfies LiveFlagReport);
    await send(s, 'vigil_risk', { score: 45, level: 'medium', locked: false, warning: 'Your risk score is 45', reasons: [focus], at: t + 65_100 } satisfies LiveRiskReport);
    const file = flagFileFor({ sessionId: alice.sessionId, studentId: 'alice', sequence: 12, startedAt: t + 60_000, level: 'high', probability: 0.81, keystrokeAnomaly: 0.7 });
    expect((await upload(server, `/api/flagged-activity/${alice.sessionId}/alice`, file, alice.token)).status).toBe(201);

    const before = await timelineOf(alice.sessionId);
    expect(before.detail.risk).toEqual({ at: [t, t + 31_000, t + 65_100], score: [0, 15, 45] });
    expect(before.detail.packages).toMatchObject({ endedAt: [t + 65_000], probability: [0.81], typistDrift: [0.7] });
    expect(before.detail.events.map((e) => [e.kind, e.detector])).toEqual([
      ['integrity', 'focus_lost'],
      ['flag', 'classifier'],
    ]);
    expect(before.detail.summary).toMatchObject({ studentId: 'alice', examId: alice.exam.id, flagCount: 1, finalScore: 45, state: 'in_progress' });

    // Restart on the same data directory: the live copy was kept, so the drill-down is the same.
    const { port } = server;
    await server.close();
    server = await startExamServer({ dataDir: dir, proctorToken: PROCTOR, port });
    const after = await timelineOf(alice.sessionId);
    expect({ ...after, builtAt: 0, buildMs: 0 }).toEqual({ ...before, builtAt: 0, buildMs: 0 });
    expect(before.buildMs).toBeGreaterThanOrEqual(0);
  });

  it("an attempt streaming only the seed's page events: the server's own score is the score lane", async () => {
    const started = await startServerWithDemoExam({ students: ['bob'] });
    server = started.server;
    const bob = await register(server, 'bob', started.roster.codes.bob!);
    const s = await connect(bob.token);
    await send(s, 'focus_change', { focused: false });
    await send(s, 'focus_change', { focused: true });
    const tl = await timelineOf(bob.sessionId);
    expect(tl.detail.risk.score).toEqual([0, 20]);
    expect(tl.detail.events.filter((e) => e.kind === 'integrity').map((e) => e.detector)).toEqual(['focus_lost']);
    expect(tl.detail.evidence[0]!.numbers).toEqual([
      { label: 'risk score', value: '0 → 20' },
      { label: 'points added', value: '20' },
    ]);
    expect(tl.lanes.find((l) => l.lane === 'risk')!.note).toMatch(/server's score of the exam page's events/);
  });

  it('is closed without the proctor credential, and names a bad or unknown session', async () => {
    const started = await startServerWithDemoExam({ students: ['alice'] });
    server = started.server;
    const alice = await register(server, 'alice', started.roster.codes.alice!);
    const path = `/api/proctor/live/sessions/${alice.sessionId}/timeline`;
    expect((await call(server, 'GET', path)).status).toBe(401);
    expect((await call(server, 'GET', path, undefined, { authorization: `Bearer ${alice.token}` })).status).toBe(403);
    expect(await asProctor(server, 'GET', '/api/proctor/live/sessions/nobody/timeline')).toMatchObject({ status: 404, body: { message: 'there is no registered session nobody' } });
    expect((await asProctor(server, 'GET', `/api/proctor/live/sessions/${'x'.repeat(200)}/timeline`)).status).toBe(400);
  });
});
