import { afterEach, describe, expect, it } from 'vitest';
import type { RiskState } from '../../src-main/contract/risk';
import { LiveReporter } from '../../src-main/upload/live-reporter';
import { ProctorOrderInbox } from '../../src-main/upload/proctor-orders';
import type { ExamServer } from '../../src-server/exam-server';
import { asProctor, call, PROCTOR, register, startServerWithDemoExam } from '../exam-server-fixture';

let server: ExamServer | null = null;
const reporters: LiveReporter[] = [];
afterEach(async () => {
  for (const r of reporters.splice(0)) r.stop();
  await server?.close();
  server = null;
});

const risk = (score: number, extra: Partial<RiskState> = {}): RiskState => ({
  score,
  level: score >= 65 ? 'high' : score >= 25 ? 'low' : 'clean',
  locked: false,
  warning: score >= 40 ? `Your exam risk score is ${score}/100` : null,
  reasons: [{ at: 1, source: 'integrity', code: 'focus_lost', points: 20, message: 'Left the exam window' }],
  ...extra,
});

async function alice() {
  const started = await startServerWithDemoExam();
  server = started.server;
  return { ...(await register(server, 'alice', started.roster.codes.alice!)), server };
}

function reporter(serverUrl: string, token: string, extra: Partial<ConstructorParameters<typeof LiveReporter>[0]> = {}) {
  const r = new LiveReporter({ serverUrl, token, now: Date.now, ...extra });
  reporters.push(r);
  return r;
}

describe('LiveReporter: Vigil streams its risk and flags live', () => {
  it("the app's risk changes and flags reach the server and the proctor's live snapshot", async () => {
    const a = await alice();
    const { server } = a;
    const r = reporter(server.url, a.token);
    // Reported before the connection is up: sent once it is.
    r.reportRisk(risk(20));
    r.start();
    await expect.poll(() => server.live.reported(a.sessionId)?.risk?.score).toBe(20);
    r.reportRisk(risk(45));
    r.reportFlag({ sequence: 7, level: 'high', probability: 0.7, patterns: [{ pattern: 'focus_collapse', severity: 0.6, explanation: 'Left 3 times' }] });
    await expect.poll(() => server.live.reported(a.sessionId)?.flags).toBe(1);
    await expect.poll(() => server.live.reported(a.sessionId)?.risk?.score).toBe(45);
    expect(server.live.reported(a.sessionId)?.lastFlag).toMatchObject({ sequence: 7, level: 'high' });
    const snap = await asProctor(server, 'GET', '/api/proctor/live/exams/demo-physics-101');
    const row = (snap.body as { attempts: { sessionId: string; score: number; source: string; flags: number }[] }).attempts.find((x) => x.sessionId === a.sessionId);
    expect(row).toMatchObject({ score: 45, source: 'app', flags: 1 });
    expect(r.status()).toMatchObject({ connected: true, riskPending: false, pendingFlags: 0, delivered: 3, refused: 0, lastError: null });
  });

  it('hands signed proctor orders to the inbox as they arrive', async () => {
    const a = await alice();
    const { server } = a;
    const inbox = new ProctorOrderInbox(a.serverPublicKey!, a.sessionId, Date.now);
    const verdicts: string[] = [];
    const r = reporter(server.url, a.token, { onOrder: (signed) => verdicts.push(inbox.receive(signed).kind) });
    r.start();
    await expect.poll(() => r.status().connected).toBe(true);
    await call(server, 'POST', `/api/proctor/sessions/${a.sessionId}/orders`, { action: 'lock', reason: 'check the desk' }, { authorization: `Bearer ${PROCTOR}` });
    await expect.poll(() => verdicts).toEqual(['apply']);
  });

  it('a wrong token: nothing thrown, the error kept, the reports wait (the outbox still has everything)', async () => {
    const { server } = await alice();
    const r = reporter(server.url, 'vat1.bm9ib2R5.wrong');
    r.start();
    r.reportRisk(risk(30));
    await expect.poll(() => r.status().lastError).toMatch(/attempt token is not valid/);
    expect(r.status()).toMatchObject({ connected: false, riskPending: true, delivered: 0 });
  });

  it('offline, flags wait in a bounded queue and only the latest risk is kept', async () => {
    const r = reporter('http://127.0.0.1:9', 'vat1.x.y', { maxPendingFlags: 3 });
    for (let i = 0; i < 5; i++) r.reportFlag({ sequence: i, level: 'high', probability: 0.7, patterns: [] });
    r.reportRisk(risk(10));
    r.reportRisk(risk(50));
    expect(r.status()).toMatchObject({ pendingFlags: 3, droppedFlags: 2, riskPending: true });
    r.reportRisk(risk(150)); // not a score: refused locally with a reason, the pending one stays
    expect(r.status().lastError).toMatch(/risk report not sent/);
  });
});
