import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startExamServer, type ExamServer } from '../../src-server/exam-server';
import { SEED_PREDICT_BODY } from '../seed-predict-body';

// The seed's POST /predict (../shared/seeds/000_bd9a660469cab5be.txt), kept exact.
const SEED_BODY = SEED_PREDICT_BODY;
const QUIET = { ...SEED_BODY, tab_switch_count: 0, copy_events: 0, inactivity_time: 0 };

/** POST from a chosen loopback address, so tests can be two clients. */
function post(url: string, path: string, body: unknown, from = '127.0.0.1', headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, unknown> }> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let data = '';
      res.setEncoding('utf8').on('data', (c: string) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(data) as Record<string, unknown>, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

describe('POST /predict (the seed contract)', () => {
  let server: ExamServer;
  beforeAll(async () => {
    server = await startExamServer({ predictRateLimit: { perSecond: 10_000 } });
  });
  afterAll(() => server.close());

  it("answers the seed's example body with a 0..100 score, a message and Vigil's reasons", async () => {
    const res = await post(server.url, '/predict', SEED_BODY);
    expect(res.status).toBe(200);
    expect(typeof res.body.risk_score).toBe('number');
    expect(res.body.risk_score).toBeGreaterThanOrEqual(0);
    expect(res.body.risk_score).toBeLessThanOrEqual(100);
    expect(typeof res.body.message).toBe('string');
    // Three tab switches are three focus losses for the app's ledger (20 points each) and a focus_collapse finding.
    expect(res.body.risk_score).toBeGreaterThanOrEqual(60);
    expect(res.body.message).toBe('High risk detected');
    const reasons = res.body.reasons as { code: string; message: string }[];
    expect(reasons.filter((r) => r.code === 'focus_lost')).toHaveLength(3);
    expect(reasons.map((r) => r.code)).toContain('focus_collapse');
    expect((res.body.detection as { patterns: { pattern: string }[] }).patterns.map((p) => p.pattern)).toEqual(['focus_collapse']);
  });

  it('keeps baselines and the ledger per sample_id: a second window adds up, another sample starts clean', async () => {
    const first = await post(server.url, '/predict', { ...SEED_BODY, sample_id: 'repeat' });
    const second = await post(server.url, '/predict', { ...SEED_BODY, sample_id: 'repeat' });
    expect(second.body.risk_score).toBeGreaterThan(first.body.risk_score as number);
    expect(second.body.risk_score).toBe(100);
    expect(second.body.locked).toBe(true);
    expect(second.body.message).toMatch(/lock the exam and submit/);
    expect((second.body.window as { sequence: number }).sequence).toBe(1);
    const other = await post(server.url, '/predict', { ...QUIET, sample_id: 'someone-else' });
    expect(other.body).toMatchObject({ risk_score: 0, message: 'No risk detected', locked: false });
  });

  it('a quiet sample stays at 0 window after window', async () => {
    for (let i = 0; i < 30; i++) {
      const res = await post(server.url, '/predict', { ...QUIET, sample_id: 'quiet', keystroke_count: 120, mouse_move_count: 80 });
      expect(res.status).toBe(200);
      expect(res.body.risk_score).toBe(0);
    }
  });

  it.each([
    ['a missing field', (b: Record<string, unknown>) => delete b.mean_flight, /mean_flight is missing/],
    ['a string number', (b: Record<string, unknown>) => (b.std_dwell = '50.3'), /std_dwell must be a number, got "50.3"/],
    ['null', (b: Record<string, unknown>) => (b.inactivity_time = null), /inactivity_time is missing/],
    ['a negative count', (b: Record<string, unknown>) => (b.copy_events = -1), /copy_events must not be negative/],
    ['a fractional count', (b: Record<string, unknown>) => (b.tab_switch_count = 1.5), /tab_switch_count must be a whole number/],
    ['no sample_id', (b: Record<string, unknown>) => delete b.sample_id, /sample_id is missing/],
    ['a numeric sample_id', (b: Record<string, unknown>) => (b.sample_id = 7), /sample_id must be a string/],
    ['an inactivity longer than the window', (b: Record<string, unknown>) => (b.inactivity_time = 61), /longer than the 60 s window/],
  ])('%s answers 400 with a message saying what is wrong', async (_what, spoil, message) => {
    const body: Record<string, unknown> = { ...SEED_BODY, sample_id: 'bad-input' };
    spoil(body);
    const res = await post(server.url, '/predict', body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect(Object.keys(res.body)).toEqual(['message']);
  });

  it('names every problem at once; a body that is not JSON, or not an object, is a 400 too', async () => {
    const res = await post(server.url, '/predict', { sample_id: 'x', mean_dwell: 'fast' });
    expect(res.body.message).toMatch(/mean_dwell must be a number.*std_dwell is missing.*inactivity_time is missing/);
    expect((await post(server.url, '/predict', '{"sample_id":')).body.message).toMatch(/not valid JSON/);
    expect((await post(server.url, '/predict', '[1,2]')).body.message).toMatch(/must be a JSON object/);
  });

  it('a refused body changes nothing for that sample', async () => {
    await post(server.url, '/predict', { ...SEED_BODY, sample_id: 'keep', mean_dwell: 'x' });
    const res = await post(server.url, '/predict', { ...QUIET, sample_id: 'keep' });
    expect((res.body.window as { sequence: number }).sequence).toBe(0);
  });
});

describe('POST /predict rate limit', () => {
  let server: ExamServer;
  afterEach(() => server.close());

  it('answers 429 with a message past the per-client limit; another client is unaffected', async () => {
    server = await startExamServer({ predictRateLimit: { perSecond: 5 } });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => post(server.url, '/predict', { ...QUIET, sample_id: `burst${i}` })));
    const refused = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(5);
    expect(refused.length).toBeGreaterThanOrEqual(7);
    expect(refused[0]!.body.message).toMatch(/too many \/predict requests from 127\.0\.0\.1: at most 5 per second; try again in \d+ s/);
    expect(Number(refused[0]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const other = await post(server.url, '/predict', { ...QUIET, sample_id: 'other-client' }, '127.0.0.2');
    expect(other.status).toBe(200);
  });
});

describe('POST /predict rate limit behind the reverse proxy (trustProxy)', () => {
  let server: ExamServer;
  afterEach(() => server.close());

  it("counts each student by the proxy's X-Forwarded-For, not the proxy's own address; without trustProxy the header is ignored", async () => {
    server = await startExamServer({ predictRateLimit: { perSecond: 2, trustProxy: true } });
    const viaProxy = (student: string) => post(server.url, '/predict', { ...QUIET, sample_id: student }, '127.0.0.1', { 'x-forwarded-for': `198.51.100.7, ${student}` });
    const [a1, a2, a3] = [await viaProxy('203.0.113.1'), await viaProxy('203.0.113.1'), await viaProxy('203.0.113.1')];
    expect([a1.status, a2.status, a3.status]).toEqual([200, 200, 429]);
    expect(a3.body.message).toMatch(/from 203\.0\.113\.1/);
    expect((await viaProxy('203.0.113.2')).status).toBe(200);
    await server.close();

    server = await startExamServer({ predictRateLimit: { perSecond: 2 } });
    const spoofed = await Promise.all([1, 2, 3].map((i) => post(server.url, '/predict', { ...QUIET, sample_id: `s${i}` }, '127.0.0.1', { 'x-forwarded-for': `10.0.0.${i}` })));
    expect(spoofed.map((r) => r.status).sort()).toEqual([200, 200, 429]);
  });
});

describe('npm run exam-server -- --data-dir DIR --port P', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-predict-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints its URL; /ping and /predict answer as in the seed', async () => {
    const child = spawn('npm', ['run', '--silent', 'exam-server', '--', '--data-dir', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          out += c;
          const m = /^Vigil exam server listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`exam-server exited ${code}`)));
      });
      const ping = await fetch(`${url}/ping`);
      expect(await ping.json()).toEqual({ message: 'Server is running' });
      const res = await post(url, '/predict', SEED_BODY);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ risk_score: expect.any(Number), message: expect.any(String) });
    } finally {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        process.kill(-child.pid!, 'SIGTERM');
      });
    }
  }, 30_000);
});
