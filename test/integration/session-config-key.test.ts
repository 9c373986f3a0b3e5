// End to end through the engine: every upload of an attempt (flags, checkpoints, the
// submission) carries the Config Key of the policy the session runs, so a server can refuse
// a client running another policy.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PolicySchema } from '../../src-main/contract';
import { configKey } from '../../src-main/exam/config-key';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { openExamSession } from '../../src-main/session/open-exam-session';
import type { ExamSession } from '../../src-main/session/open-exam-session';
import { FakeClock } from '../fake-clock';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the Config Key on uploads from a session', () => {
  it('goes with every request the attempt makes', async () => {
    const seen: { path: string; key: string | undefined }[] = [];
    const server = createServer((req, res) => {
      seen.push({ path: req.url ?? '', key: req.headers['vigil-config-key'] as string | undefined });
      req.resume();
      req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, id: req.headers['idempotency-key'] })));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)));

    const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-config-key-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const exam = loadExamFile(DEMO_EXAM_FILE);
    if (!exam.ok) throw new Error(exam.error.message);
    const policy = PolicySchema.parse({ schemaVersion: 1, windowSeconds: 7 });
    const session: ExamSession = await openExamSession({
      exam: exam.value,
      policy,
      dataDir,
      studentId: 'ada',
      scheduler: new FakeClock(Date.UTC(2026, 10, 26, 9)),
      serverUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      log: () => {},
    });
    cleanups.push(() => session.close());

    await session.saveAnswer({ questionId: 'q2', value: 'b' });
    await session.submit({ confirm: true });
    await session.flushUploads();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((s) => s.path.includes('submission'))).toBe(true);
    expect(new Set(seen.map((s) => s.key))).toEqual(new Set([configKey(policy)]));
  });
});
