import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { SERVER_APPLICATION_ID, SERVER_MIGRATIONS, SERVER_SCHEMA_VERSION } from '../../../src-server/sqlite-migrations';
import { SqliteExamStorage } from '../../../src-server/sqlite-storage';
import type { AttemptRecord, ExamServerStorage } from '../../../src-server/storage';
import { DEMO_EXAM } from '../../exam-server-fixture';

// The contract any ExamServerStorage keeps (run against each implementation).

const attempt = (n: number, extra: Partial<AttemptRecord> = {}): AttemptRecord => ({
  sessionId: `s${n}`,
  examId: DEMO_EXAM.id,
  studentId: 'alice',
  deviceId: 'd',
  appVersion: '1',
  policyHash: 'a'.repeat(64),
  k0: Buffer.alloc(32, n).toString('base64'),
  origin: 'online',
  startedAt: 1000 * n,
  clientStartedAt: null,
  deadline: 1000 * n + 45 * 60_000,
  examStartedAt: 1000 * n,
  startBy: null,
  attemptNumber: n,
  secondAttemptOf: n > 1 ? 's1' : null,
  createdAt: 1000 * n,
  ...extra,
});

describe.each([['SQLite in memory', () => SqliteExamStorage.inMemory()]] as [string, () => ExamServerStorage][])('%s storage', (_name, open) => {
  it('keeps exams, codes, attempts in order, checkpoints and refusals', () => {
    const s = open();
    expect(s.exam(DEMO_EXAM.id)).toBeUndefined();
    s.putExam({ examId: DEMO_EXAM.id, exam: DEMO_EXAM as never, secondAttempt: 'flag', requiredPolicyHash: null, maxCheckMinutes: 20, updatedAt: 1 });
    expect(s.exam(DEMO_EXAM.id)).toMatchObject({ secondAttempt: 'flag', maxCheckMinutes: 20, exam: DEMO_EXAM });
    s.setAccessCodeHash(DEMO_EXAM.id, 'alice', 'h1', 1);
    s.setAccessCodeHash(DEMO_EXAM.id, 'alice', 'h2', 2);
    expect(s.accessCodeHash(DEMO_EXAM.id, 'alice')).toBe('h2');
    s.addAttempt(attempt(1));
    s.addAttempt(attempt(2));
    expect(s.attemptsOf(DEMO_EXAM.id, 'alice').map((a) => a.sessionId)).toEqual(['s1', 's2']);
    expect(s.attempt('s2')).toEqual(attempt(2));
    expect(() => s.addAttempt(attempt(2))).toThrow();
    s.acceptCheckpoint('s1', { seq: 5, hash: 'h', tag: 't', key: 'k', acceptedAt: 1 });
    s.acceptCheckpoint('s1', { seq: 9, hash: 'h9', tag: 't9', key: 'k9', acceptedAt: 2 });
    expect(s.lastCheckpoint('s1')).toMatchObject({ seq: 9, key: 'k9' });
    expect(s.checkpointCount('s1')).toBe(2);
    expect(() => s.acceptCheckpoint('s1', { seq: 9, hash: 'x', tag: 'x', key: 'x', acceptedAt: 3 })).toThrow();
    s.recordRefusal('s1', { seq: 3, hash: 'h', tag: 't', reason: 'truncated', message: 'm', at: 4 });
    expect(s.refusals('s1')).toEqual([{ seq: 3, hash: 'h', tag: 't', reason: 'truncated', message: 'm', at: 4 }]);
    expect(s.refusals('s2')).toEqual([]);
    s.close();
  });

  it('a transaction that throws leaves nothing behind', () => {
    const s = open();
    expect(() =>
      s.transaction(() => {
        s.addUpload('s1', 'flag', { studentId: 'u', idempotencyKey: 'k', receivedAt: 'now', body: { a: 1 } });
        s.remember('k', { fingerprint: 'f', status: 201, body: '{}' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.uploads()).toEqual({});
    expect(s.recordedResponse('k')).toBeUndefined();
    s.close();
  });

  it('an upload marked with a Config Key mismatch keeps its mark, and the session counts them', () => {
    const s = open();
    const mismatch = { sent: null, registered: 'a'.repeat(64), required: 'b'.repeat(64) };
    s.addUpload('s1', 'submission', { studentId: 'u', idempotencyKey: 'a', receivedAt: 't1', body: { answers: [] }, configMismatch: mismatch });
    s.addUpload('s1', 'flag', { studentId: 'u', idempotencyKey: 'b', receivedAt: 't2', body: { n: 1 } });
    expect(s.uploadsOf('s1').submissions[0]).toEqual({ studentId: 'u', idempotencyKey: 'a', receivedAt: 't1', body: { answers: [] }, configMismatch: mismatch });
    expect(s.uploadsOf('s1').flags[0]).not.toHaveProperty('configMismatch');
    expect(s.configMismatches('s1')).toBe(1);
    expect(s.configMismatches('s2')).toBe(0);
    s.close();
  });

  it('uploads come back per session in arrival order, as copies', () => {
    const s = open();
    s.addUpload('s1', 'flag', { studentId: 'u', idempotencyKey: 'a', receivedAt: 't1', body: { n: 1 } });
    s.addUpload('s2', 'submission', { studentId: 'v', idempotencyKey: 'b', receivedAt: 't2', body: { answers: [] } });
    s.addUpload('s1', 'flag', { studentId: 'u', idempotencyKey: 'c', receivedAt: 't3', body: { n: 2 } });
    const all = s.uploads();
    expect(all.s1!.flags.map((f) => f.idempotencyKey)).toEqual(['a', 'c']);
    expect(s.hasSubmission('s2', 'v')).toBe(true);
    expect(s.hasSubmission('s2', 'u')).toBe(false);
    (all.s1!.flags[0]!.body as { n: number }).n = 99;
    expect(s.uploadsOf('s1').flags[0]!.body).toEqual({ n: 1 });
    expect(s.uploadsOf('none')).toEqual({ sessionId: 'none', flags: [], submissions: [] });
    s.close();
  });
});

describe('live reports', () => {
  it('come back per session in arrival order, and a report for an unregistered session is refused', () => {
    const s = SqliteExamStorage.inMemory();
    s.addAttempt(attempt(1));
    s.addAttempt(attempt(2));
    s.addLiveReports([
      { sessionId: 's1', kind: 'app_risk', at: 10.5, receivedAt: 11, body: { score: 5 } },
      { sessionId: 's2', kind: 'stream_risk', at: 12, receivedAt: 12, body: { score: 7 } },
      { sessionId: 's1', kind: 'app_flag', at: 9, receivedAt: 13, body: { sequence: 1 } },
    ]);
    expect(s.liveReports('s1')).toEqual([
      { kind: 'app_risk', at: 10.5, receivedAt: 11, body: { score: 5 } },
      { kind: 'app_flag', at: 9, receivedAt: 13, body: { sequence: 1 } },
    ]);
    expect(s.liveReports('none')).toEqual([]);
    // All or nothing: one report of a session that was never registered refuses the batch.
    expect(() =>
      s.addLiveReports([
        { sessionId: 's2', kind: 'app_risk', at: 20, receivedAt: 20, body: {} },
        { sessionId: 'ghost', kind: 'app_risk', at: 20, receivedAt: 20, body: {} },
      ]),
    ).toThrow();
    expect(s.liveReports('s2')).toHaveLength(1);
    s.close();
  });

  it('a server database from before live reports (schema 20) is migrated and keeps its attempts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-storage-'));
    try {
      const file = join(dir, 'exam-server.db');
      const db = new Database(file);
      db.pragma('foreign_keys = ON');
      db.transaction(() => {
        for (const m of SERVER_MIGRATIONS.filter((x) => x.version <= 20)) db.exec(m.sql);
        db.pragma(`application_id = ${SERVER_APPLICATION_ID}`);
        db.pragma('user_version = 20');
        const a = attempt(1);
        db.prepare(
          `INSERT INTO attempts (session_id, exam_id, student_id, device_id, app_version, policy_hash, k0, origin, started_at,
             client_started_at, deadline, attempt_number, second_attempt_of, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(a.sessionId, a.examId, a.studentId, a.deviceId, a.appVersion, a.policyHash, a.k0, a.origin, a.startedAt, null, a.deadline, 1, null, a.createdAt);
      })();
      db.close();
      const s = SqliteExamStorage.openFile(file);
      const raw = new Database(file, { readonly: true });
      expect(raw.pragma('user_version', { simple: true })).toBe(SERVER_SCHEMA_VERSION);
      raw.close();
      expect(s.attempt('s1')).toEqual(attempt(1));
      s.addLiveReports([{ sessionId: 's1', kind: 'app_flag', at: 1, receivedAt: 2, body: { sequence: 3 } }]);
      expect(s.liveReports('s1')).toHaveLength(1);
      s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite file storage', () => {
  it('keeps its token secret across a reopen, and makes a new one for a new file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-storage-'));
    try {
      const first = SqliteExamStorage.openDir(dir);
      const secret = first.tokenSecret();
      expect(first.tokenSecret().equals(secret)).toBe(true);
      first.close();
      const again = SqliteExamStorage.openDir(dir);
      expect(again.tokenSecret().equals(secret)).toBe(true);
      again.close();
      const other = SqliteExamStorage.openDir(join(dir, 'other'));
      expect(other.tokenSecret().equals(secret)).toBe(false);
      other.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a database from before the Config Key marks is upgraded: its uploads kept, unmarked, new ones markable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-storage-'));
    try {
      const file = join(dir, 'exam-server.sqlite');
      const old = new Database(file);
      for (const m of SERVER_MIGRATIONS.filter((x) => x.version <= 20)) old.exec(m.sql);
      old.pragma(`application_id = ${SERVER_APPLICATION_ID}`);
      old.pragma('user_version = 20');
      old.prepare("INSERT INTO uploads (session_id, kind, student_id, idempotency_key, received_at, body) VALUES ('s1', 'flag', 'u', 'a', 't1', '{}')").run();
      old.close();
      const s = SqliteExamStorage.openFile(file);
      expect(s.uploadsOf('s1').flags).toEqual([{ studentId: 'u', idempotencyKey: 'a', receivedAt: 't1', body: {} }]);
      s.addUpload('s1', 'flag', { studentId: 'u', idempotencyKey: 'b', receivedAt: 't2', body: {}, configMismatch: { sent: 'x', registered: 'y', required: null } });
      expect(s.configMismatches('s1')).toBe(1);
      s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
