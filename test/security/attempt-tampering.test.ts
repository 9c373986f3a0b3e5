import { mkdtempSync, rmSync, truncateSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { rowHash } from '../../src-main/audit/hash-chain';
import { evolveKeyBy, tagFor, verifyCheckpoint, type Checkpoint } from '../../src-main/audit/keyed-chain';
import { PolicySchema } from '../../src-main/contract';
import { attemptDatabaseFile, openAttemptFile } from '../../src-main/session/attempt-file';
import { writeMarker } from '../../src-main/session/attempt-marker';
import { startedPayload } from '../audit-payloads';
import { tamper } from '../unit/audit/tamper';

/**
 * The student owns the attempt file. Each case edits it the way a student could with the
 * app closed, then reopens the attempt: it must fail closed, with a log_tampered finding
 * naming what was changed, and never crash or start over silently.
 */
const policy = PolicySchema.parse({ schemaVersion: 1 });
const clock = { now: () => 1_000_000 };
const K0 = Buffer.alloc(32, 7);
let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-sec-'));
  file = attemptDatabaseFile(dir, 'exam-1', 'student-1');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An attempt with a few rows of each kind, sealed from K0 (as if the server had issued it). */
function seedAttempt(): void {
  const store = AuditStore.open(file, { now: () => 500 });
  store.startAttempt(startedPayload('sess-1'), { k0: K0 });
  store.saveAnswer({ questionId: 'q1', value: 'first answer' });
  store.append('risk_changed', { from: 0, to: 40, level: 'medium', reasons: [], warning: null });
  store.append('integrity_event', { kind: 'focus_lost', at: 600, message: 'left' });
  store.append('submission', { submittedAt: 700, reason: 'student', answerCount: 1, riskScore: 40 }, { path: '/api/submissions/sess-1/student-1', body: { score: 40, answers: ['first answer'] } });
  store.saveEngineState('detection', { typist: 'enrolment of student-1' });
  store.close();
}

function reopen() {
  const opened = openAttemptFile({ dataDir: dir, examId: 'exam-1', studentId: 'student-1', policy, clock });
  const findings = opened.store.records().filter((r) => r.valid && r.kind === 'log_tampered');
  return { opened, findings: findings.map((f) => f.payload as { what: string; firstBrokenSeq: number | null; message: string }) };
}

function rows(): { seq: number; at: number; kind: string; payload: string; prev_hash: string; hash: string }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT seq, at, kind, payload, prev_hash, hash FROM audit ORDER BY seq').all() as never;
  } finally {
    db.close();
  }
}

/** Recomputes every hash from `fromSeq` on, head included, as a careful tamperer would. */
function rehash(fromSeq: number): void {
  const db = new Database(file);
  db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
  const all = db.prepare('SELECT seq, at, kind, payload, prev_hash FROM audit ORDER BY seq').all() as { seq: number; at: number; kind: string; payload: string; prev_hash: string }[];
  let prev = all[0]!.prev_hash;
  for (const r of all) {
    const p = r.seq >= fromSeq ? prev : r.prev_hash;
    const hash = rowHash({ seq: r.seq, at: r.at, kind: r.kind, payload: r.payload, prevHash: p });
    if (r.seq >= fromSeq) db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?').run(p, hash, r.seq);
    prev = r.seq >= fromSeq ? hash : (db.prepare('SELECT hash FROM audit WHERE seq = ?').get(r.seq) as { hash: string }).hash;
  }
  db.prepare('UPDATE audit_head SET hash = ? WHERE id = 1').run(prev);
  db.close();
}

describe('a tampered attempt file fails closed', () => {
  it('edit a row: a chain finding naming it, a new segment, the score not lowered', () => {
    seedAttempt();
    const seq = rows().find((r) => r.kind === 'risk_changed')!.seq;
    tamper(file, `UPDATE audit SET payload = json_set(payload, '$.to', 0) WHERE seq = ?`, seq);
    const { opened, findings } = reopen();
    expect(findings).toEqual([expect.objectContaining({ what: 'chain', firstBrokenSeq: seq })]);
    expect(opened.scoreFloor).toBe(40);
    const segment = opened.store.records().find((r) => r.kind === 'segment_started');
    expect(segment?.payload).toMatchObject({ brokenSeq: seq });
    // Queued for the server in the same transaction.
    expect(opened.store.outboxItems().some((o) => o.path.startsWith('/api/flagged-activity/sess-1/'))).toBe(true);
    // The break is on record now: reopening does not report it again.
    opened.store.close();
    expect(reopen().findings).toHaveLength(1);
  });

  it('edit a row and recompute every hash: the hash chain is fooled, the tags are not', () => {
    seedAttempt();
    const seq = rows().find((r) => r.kind === 'risk_changed')!.seq;
    tamper(file, `UPDATE audit SET payload = json_set(payload, '$.to', 0) WHERE seq = ?`, seq);
    rehash(seq);
    const store = AuditStore.open(file, { readonly: true });
    expect(store.verify().ok).toBe(true); // without the key
    expect(store.verify(K0)).toMatchObject({ ok: false, firstBrokenSeq: seq, reason: expect.stringMatching(/tag does not verify/) });
    store.close();
  });

  it('a row rewritten into something Vigil never writes, every hash recomputed: a finding naming it, once', () => {
    seedAttempt();
    const seq = rows().find((r) => r.kind === 'integrity_event')!.seq;
    tamper(file, `UPDATE audit SET payload = '{"at":600,"kind":"nothing_to_see","message":""}' WHERE seq = ?`, seq);
    rehash(seq);
    const { opened, findings } = reopen();
    expect(findings).toEqual([expect.objectContaining({ what: 'chain', firstBrokenSeq: seq, message: expect.stringMatching(/not what Vigil writes/) })]);
    expect(opened.restored?.sessionId).toBe('sess-1');
    opened.store.close();
    expect(reopen().findings).toHaveLength(1);
  });

  it('delete a row, and reorder rows: named at the first row out of place', () => {
    seedAttempt();
    tamper(file, 'DELETE FROM audit WHERE seq = 3');
    expect(reopen().findings[0]).toMatchObject({ what: 'chain', firstBrokenSeq: 3 });

    rmSync(dir, { recursive: true, force: true });
    seedAttempt();
    const db = new Database(file);
    db.exec('DROP TRIGGER IF EXISTS audit_no_update; UPDATE audit SET seq = -1 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = -1;');
    db.close();
    expect(reopen().findings[0]).toMatchObject({ what: 'chain', firstBrokenSeq: 2 });
  });

  it('truncate below the last checkpoint: the server refuses what follows, and the marker names it locally', () => {
    seedAttempt();
    const store = AuditStore.open(file);
    const checkpoint = store.checkpoint()!; // the server holds this one
    const head = store.head()!;
    store.close();
    writeMarker(file, { sessionId: 'sess-1', startedAt: 0, maxScore: 40, head });
    const db = new Database(file);
    db.exec('PRAGMA foreign_keys = OFF; DROP TRIGGER IF EXISTS audit_no_delete;');
    db.prepare('DELETE FROM audit WHERE seq > ?').run(checkpoint.seq - 3);
    const last = db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
    db.prepare('UPDATE audit_head SET seq = ?, hash = ?').run(last.seq, last.hash);
    db.prepare('UPDATE chain_key SET key_index = ?').run(last.seq);
    db.close();
    const { findings, opened } = reopen();
    expect(findings).toContainEqual(expect.objectContaining({ what: 'marker', firstBrokenSeq: last.seq + 1 }));
    // The next checkpoint the client could send is below the server's: refused.
    const next = opened.store.checkpoint(last.seq)!;
    expect(next.seq).toBeLessThan(checkpoint.seq);
    // And what it appends now is sealed with K_n relabelled: the server's K_0 does not verify it.
    const fresh = opened.store.checkpoint()!;
    expect(verifyCheckpoint({ index: 0, key: K0 }, fresh).ok).toBe(false);
  });

  it('fork two histories from one checkpoint: the second does not verify from K_0', () => {
    seedAttempt();
    const store = AuditStore.open(file);
    const cp = store.checkpoint()!;
    const a = store.append('error', { what: 'history', message: 'A' });
    store.close();
    const verdictA = verifyCheckpoint({ index: 0, key: K0 }, store.checkpoint.call(AuditStore.open(file, { readonly: true }), a.seq) as Checkpoint);
    expect(verdictA.ok).toBe(true);
    // History B: the student rolls the file back to the checkpoint and writes another row;
    // they only hold the key after row A (K_{a.seq}), never K_{cp.seq} again.
    const db = new Database(file);
    db.exec('PRAGMA foreign_keys = OFF; DROP TRIGGER IF EXISTS audit_no_delete;');
    db.prepare('DELETE FROM audit WHERE seq > ?').run(cp.seq);
    db.prepare('UPDATE audit_head SET seq = ?, hash = ?').run(cp.seq, cp.hash);
    db.prepare('UPDATE chain_key SET key_index = ?').run(cp.seq);
    db.close();
    const forked = AuditStore.open(file);
    const b = forked.append('error', { what: 'history', message: 'B' });
    const cpB = forked.checkpoint(b.seq)!;
    forked.close();
    expect(b.seq).toBe(a.seq);
    expect(verifyCheckpoint({ index: 0, key: K0 }, cpB)).toMatchObject({ ok: false, reason: 'bad_tag' });
  });

  it('re-seal with an old key: the student cannot derive it from the key left in the file', () => {
    seedAttempt();
    const db = new Database(file);
    const { key_index: index, key } = db.prepare('SELECT key_index, key FROM chain_key').get() as { key_index: number; key: Buffer };
    db.close();
    // The best a student can do is seal an earlier row with the key they hold.
    const row = rows().find((r) => r.kind === 'risk_changed')!;
    const forged = tagFor(key, row.hash);
    expect(forged).not.toBe(tagFor(evolveKeyBy(K0, row.seq - 1), row.hash));
    tamper(file, 'UPDATE audit SET tag = ? WHERE seq = ?', forged, row.seq);
    const store = AuditStore.open(file, { readonly: true });
    expect(store.verify(K0)).toMatchObject({ ok: false, firstBrokenSeq: row.seq });
    expect(index).toBe(rows().at(-1)!.seq);
    store.close();
  });

  it('edit an outbox body: a finding, and the body is never sent', () => {
    seedAttempt();
    tamper(file, `UPDATE outbox SET body = json_set(body, '$.score', 0)`);
    const { opened, findings } = reopen();
    expect(findings).toEqual([expect.objectContaining({ what: 'outbox' })]);
    expect(opened.store.dueOutbox(Number.MAX_SAFE_INTEGER, 100).some((o) => o.path.startsWith('/api/submissions/'))).toBe(false);
    expect(opened.store.outboxItems().find((o) => o.path.startsWith('/api/submissions/'))).toMatchObject({ state: 'rejected', lastError: expect.stringMatching(/^tampered:/) });
    // Refused for good: a restart's requeue does not send it either.
    expect(opened.store.requeueRejected(2_000_000)).toBe(0);
  });

  it("edit the saved detector state (another typist's enrolment): a finding, and the state is not used", () => {
    seedAttempt();
    tamper(file, `UPDATE engine_state SET value = '{"typist":"enrolment of someone else"}' WHERE key = 'detection'`);
    const { opened, findings } = reopen();
    expect(findings).toEqual([expect.objectContaining({ what: 'engine_state' })]);
    expect(opened.store.loadEngineState('detection')).toBeNull();
  });

  it('edit an answer: a finding naming the question', () => {
    seedAttempt();
    tamper(file, `UPDATE answers SET value = 'a better answer' WHERE question_id = 'q1'`);
    const { findings } = reopen();
    expect(findings).toEqual([expect.objectContaining({ what: 'answer', message: expect.stringMatching(/q1/) })]);
  });

  it('start from a malformed or truncated database: a clear finding, a new segment, answers recovered where readable', () => {
    seedAttempt();
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const first = openAttemptFile({ dataDir: dir, examId: 'exam-1', studentId: 'student-1', policy, clock });
    expect(first.carryOver?.findings[0]?.finding).toMatchObject({ what: 'database' });
    first.store.close();

    rmSync(dir, { recursive: true, force: true });
    seedAttempt();
    writeFileSync(file, 'this is not a database at all '.repeat(100));
    const second = openAttemptFile({ dataDir: dir, examId: 'exam-1', studentId: 'student-1', policy, clock });
    expect(second.carryOver?.findings[0]?.finding).toMatchObject({ what: 'database', message: expect.stringMatching(/could not be read/) });
    expect(existsSync(`${file}.damaged-1000000`)).toBe(true);
    second.store.close();
  });

  it("a Vigil file with a table dropped: no crash, moved aside, a new segment with the answers that could be read", () => {
    seedAttempt();
    const db = new Database(file);
    db.exec('PRAGMA foreign_keys = OFF; DROP TABLE outbox;');
    db.close();
    const opened = openAttemptFile({ dataDir: dir, examId: 'exam-1', studentId: 'student-1', policy, clock });
    expect(opened.restored).toBeNull();
    expect(opened.carryOver).toMatchObject({ sessionId: 'sess-1', maxScore: 40, answers: [{ questionId: 'q1', value: 'first answer' }] });
    expect(opened.carryOver?.findings[0]?.segment).toMatchObject({ brokenSeq: 0, replacedFile: `${file}.damaged-1000000` });
    opened.store.close();
  });

  it('delete the database mid-exam and restart: the marker carries the session, start and score over', () => {
    seedAttempt();
    writeMarker(file, { sessionId: 'sess-1', startedAt: 0, maxScore: 40, head: { seq: 8, hash: 'a'.repeat(64) } });
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    const { opened } = reopen();
    expect(opened.restored).toBeNull();
    expect(opened.carryOver).toMatchObject({ sessionId: 'sess-1', startedAt: 0, maxScore: 40 });
    expect(opened.carryOver?.findings[0]?.finding).toMatchObject({ what: 'database', message: expect.stringMatching(/deleted/) });
    expect(opened.scoreFloor).toBe(40);
  });
});
