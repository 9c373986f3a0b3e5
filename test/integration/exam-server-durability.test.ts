import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_EXAM_FILE } from '../../src-main/exam/exam-files';
import { startExamServer, type ExamServer } from '../../src-server/exam-server';
import { SqliteExamStorage } from '../../src-server/sqlite-storage';
import { DEMO_EXAM, PROCTOR, asProctor, call, register, sealedLog, sendCheckpoint, startServerWithDemoExam, upload } from '../exam-server-fixture';

// A restart loses nothing: the same data directory opened again holds every exam, code,
// attempt, upload, checkpoint and idempotency answer, and the tokens still work.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-exam-server-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('durable storage', () => {
  it('start, register, upload, close, reopen the same data dir: everything is there', async () => {
    const { server: first, roster } = await startServerWithDemoExam({ dataDir: dir });
    const a = await register(first, 'alice', roster.codes.alice!);
    const log = sealedLog(a.k0!, 80);
    expect((await upload(first, `/api/flagged-activity/${a.sessionId}/alice`, { level: 'high' }, a.token, 'flag-1')).status).toBe(201);
    expect((await sendCheckpoint(first, a, log[39]!)).status).toBe(201);
    expect((await upload(first, `/api/submissions/${a.sessionId}/alice`, { answers: { q1: 'c' } }, a.token, 'sub-1')).status).toBe(201);
    const before = first.sessions();
    const { port } = first;
    await first.close();
    await expect(fetch(`http://127.0.0.1:${port}/ping`)).rejects.toThrow();

    const second = await startExamServer({ dataDir: dir, proctorToken: PROCTOR, port });
    try {
      expect(second.sessions()).toEqual(before);
      // The same token works: the token secret is in the database too.
      expect((await call(second, 'GET', `/api/sessions/${a.sessionId}`, undefined, { authorization: `Bearer ${a.token}` })).status).toBe(200);
      // Idempotency answers survived: a retry is a replay, not a second copy or a 409.
      const retry = await upload(second, `/api/submissions/${a.sessionId}/alice`, { answers: { q1: 'c' } }, a.token, 'sub-1');
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      // The checkpoint position survived: below it is refused, above it verifies from the stored key.
      expect(await sendCheckpoint(second, a, log[9]!)).toMatchObject({ status: 409, body: { reason: 'truncated', lastSeq: 40 } });
      expect((await sendCheckpoint(second, a, log[79]!)).status).toBe(201);
      // The exam, the roster and the attempt survived: a second attempt is still visible and refused.
      expect(await call(second, 'POST', '/api/sessions', { examId: DEMO_EXAM.id, studentId: 'alice', deviceId: 'x', appVersion: '1', policyHash: 'a'.repeat(64), accessCode: roster.codes.alice! })).toMatchObject({
        status: 409,
        body: { existingSessionId: a.sessionId },
      });
      expect((await register(second, 'bob', roster.codes.bob!)).exam).toEqual(DEMO_EXAM);
      expect((await asProctor(second, 'GET', `/api/proctor/sessions/${a.sessionId}/key`)).body).toMatchObject({ k0: a.k0 });
    } finally {
      await second.close();
    }
  });

  it('refuses to open a foreign SQLite file or one from a newer server, with a message', () => {
    const foreign = join(dir, 'foreign.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(() => SqliteExamStorage.openFile(foreign)).toThrow(/is not a Vigil exam server database/);
    const newer = join(dir, 'newer.db');
    SqliteExamStorage.openFile(newer).close();
    const raw = new Database(newer);
    raw.pragma('user_version = 9999');
    raw.close();
    expect(() => SqliteExamStorage.openFile(newer)).toThrow(/written by a newer exam server/);
    writeFileSync(join(dir, 'garbage.db'), 'this is not a database at all, just text '.repeat(200));
    expect(() => SqliteExamStorage.openFile(join(dir, 'garbage.db'))).toThrow();
  });
});

/** `npm run exam-server -- ARGS`, resolved once its "listening" line is out (or rejected on exit). */
function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; url: string; lines: string[] }> {
  const child = spawn('npm', ['run', '--silent', 'exam-server', '--', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const lines: string[] = [];
  let err = '';
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      lines.push(...chunk.split('\n').filter(Boolean));
      const listening = lines.map((l) => /^Vigil exam server listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(l)).find(Boolean);
      if (listening) resolve({ child, url: listening[1]!, lines });
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('exit', (code) => reject(Object.assign(new Error(`exam-server exited ${code}: ${err}`), { code, stderr: err })));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    process.kill(-child.pid!, 'SIGTERM');
  });
}

describe('npm run exam-server', () => {
  it('--data-dir DIR --port 0 --load-exam --add-student: prints its URL and the codes; a restart keeps the attempt', async () => {
    const first = await runCli(['--data-dir', dir, '--port', '0', '--quiet', '--load-exam', DEMO_EXAM_FILE, '--second-attempt', 'refuse', '--add-student', 'alice']);
    let a;
    try {
      const codeLine = first.lines.find((l) => l.startsWith('Access code for alice at demo-physics-101: '));
      expect(codeLine).toBeDefined();
      const tokenFile = join(dir, 'proctor-token');
      expect(statSync(tokenFile).mode & 0o077).toBe(0);
      const fakeServer = { url: first.url } as ExamServer;
      a = await register(fakeServer, 'alice', codeLine!.split(': ')[1]!);
      const proctor = readFileSync(tokenFile, 'utf8').trim();
      const key = await call(fakeServer, 'GET', `/api/proctor/sessions/${a.sessionId}/key`, undefined, { authorization: `Bearer ${proctor}` });
      expect(key.body).toMatchObject({ k0: a.k0 });
    } finally {
      await stop(first.child);
    }
    const second = await runCli(['--data-dir', dir, '--port', '0', '--quiet', '--load-exam', DEMO_EXAM_FILE, '--add-student', 'alice']);
    try {
      expect(second.lines).toContain(
        'alice already has an access code for demo-physics-101 (not shown again; reissue through POST /api/proctor/exams/:id/access-codes)',
      );
      const view = await call({ url: second.url } as ExamServer, 'GET', `/api/sessions/${a.sessionId}`, undefined, { authorization: `Bearer ${a.token}` });
      expect(view).toMatchObject({ status: 200, body: { sessionId: a.sessionId } });
    } finally {
      await stop(second.child);
    }
  });

  it('without --data-dir, or with a bad flag, it exits 2 and says why', async () => {
    writeFileSync(join(dir, 'bad-exam.json'), '{"id": "x"}');
    await Promise.all([
      expect(runCli(['--port', '0'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--data-dir DIR is required/) }),
      expect(runCli(['--data-dir', dir, '--port', 'x'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--port must be a number/) }),
      expect(runCli(['--data-dir', dir, '--port', '0', '--add-student', 'a'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--add-student needs --load-exam/) }),
      expect(runCli(['--data-dir', dir, '--port', '0', '--load-exam', join(dir, 'bad-exam.json')])).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/bad-exam\.json: not valid exam settings/),
      }),
    ]);
  });
});
