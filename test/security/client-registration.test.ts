import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { rowHash } from '../../src-main/audit/hash-chain';
import { PolicySchema, defaultPolicy } from '../../src-main/contract';
import type { OutboxItem, OutboxPort } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { attemptDatabaseFile } from '../../src-main/session/attempt-file';
import { markerFile } from '../../src-main/session/attempt-marker';
import { registrationFile } from '../../src-main/session/server-registration';
import { SignInGate } from '../../src-main/session/sign-in-gate';
import { OutboxRelay } from '../../src-main/upload/outbox-relay';
import type { ExamServer } from '../../src-server/exam-server';
import { FakeClock } from '../fake-clock';
import { DEMO_EXAM, asProctor, register, startServerWithDemoExam, type Roster } from '../exam-server-fixture';
import { unwrap } from '../unwrap';

// What a student can try against the app's side of the anchor: uploads without the token or
// with another student's, and cutting the log back below what the server already holds.

let dataDir: string;
let server: ExamServer;
let roster: Roster;
const gates: SignInGate[] = [];
beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-client-anchor-'));
  ({ server, roster } = await startServerWithDemoExam({ log: () => {} }));
});
afterEach(async () => {
  for (const g of gates.splice(0)) await g.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function gate(clock: FakeClock, policy = defaultPolicy()): SignInGate {
  const loaded = loadExamFile(DEMO_EXAM_FILE);
  if (!loaded.ok) throw new Error(loaded.error.message);
  const g = new SignInGate({ exam: loaded.value, policy, dataDir, scheduler: clock, serverUrl: server.url, appVersion: '0.1.0', log: () => {} });
  gates.push(g);
  return g;
}

/** One upload in memory, and what the relay did with it. */
function oneItem(path: string, body: unknown) {
  const outcome: { delivered: boolean; rejected: string | null } = { delivered: false, rejected: null };
  const item: OutboxItem = { id: `item-${Math.random()}`, path, body, createdAt: 0, attempts: 0, auditSeq: 1 };
  const port: OutboxPort = {
    dueOutbox: () => (outcome.delivered || outcome.rejected ? [] : [item]),
    markDelivered: () => void (outcome.delivered = true),
    markFailed: () => {},
    markRejected: (_id, _at, error) => void (outcome.rejected = error),
    outboxCounts: () => ({ pending: outcome.delivered || outcome.rejected ? 0 : 1, delivered: outcome.delivered ? 1 : 0, rejected: outcome.rejected ? 1 : 0 }),
  };
  return { port, outcome };
}

describe("the app's uploads are its attempt's alone", () => {
  it('a forged upload without the token is refused, and so is one with another student\'s token; the right token is taken', async () => {
    const alice = await register(server, 'alice', roster.codes.alice!);
    const bob = await register(server, 'bob', roster.codes.bob!);
    const submission = `/api/submissions/${alice.sessionId}/alice`;
    const body = { answers: [{ questionId: 'q1', value: 'c' }], reason: 'student' };
    const deliver = async (token: string | null) => {
      const { port, outcome } = oneItem(submission, body);
      await new OutboxRelay({ outbox: port, serverUrl: server.url, scheduler: new FakeClock(0), token }).flush();
      return outcome;
    };
    expect(await deliver(null)).toEqual({ delivered: false, rejected: expect.stringMatching(/needs the attempt token/) });
    expect(await deliver(bob.token)).toEqual({ delivered: false, rejected: expect.stringMatching(/belongs to another attempt/) });
    expect(server.sessions()).toEqual({});
    expect(await deliver(alice.token)).toEqual({ delivered: true, rejected: null });
    expect(server.sessions()[alice.sessionId]?.submissions).toHaveLength(1);
  });

  it("a registration file carrying another student's token does not resume: the server refuses it", async () => {
    const g = gate(new FakeClock(Date.UTC(2026, 10, 22, 9)));
    unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    await g.close();
    const bob = await register(server, 'bob', roster.codes.bob!);
    const file = registrationFile(dataDir, DEMO_EXAM.id, 'alice');
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { token: string };
    writeFileSync(file, JSON.stringify({ ...kept, token: bob.token }));
    const again = gate(new FakeClock(Date.UTC(2026, 10, 22, 9, 5)));
    expect(await again.signIn({ studentId: 'alice', accessCode: roster.codes.alice! })).toMatchObject({ ok: false, error: { code: 'sign_in_refused' } });
  });
});

describe('restore against the server', () => {
  it('a log cut back below the last server checkpoint (marker gone too) is log_tampered on restart, and reported', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 22, 9));
    const policy = PolicySchema.parse({ schemaVersion: 1, checkpoints: { everyRows: 2, everySeconds: 600 } });
    const g = gate(clock, policy);
    const snap = unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    for (const v of ['a', 'b', 'c', 'd', 'e']) unwrap(await g.saveAnswer({ questionId: 'q3', value: v }));
    clock.advanceBy(1500);
    await g.flushUploads();
    await g.close();
    const last = ((await asProctor(server, 'GET', `/api/proctor/sessions/${snap.sessionId}`)).body as { checkpoints: { last: { seq: number } } }).checkpoints.last;
    expect(last.seq).toBeGreaterThan(4);

    // With the app closed: cut the log below the server's checkpoint, and remove the local witness.
    const file = attemptDatabaseFile(dataDir, DEMO_EXAM.id, 'alice');
    rmSync(markerFile(file), { force: true });
    const db = new Database(file);
    db.exec('PRAGMA foreign_keys = OFF; DROP TRIGGER IF EXISTS audit_no_delete;');
    db.prepare('DELETE FROM audit WHERE seq > ?').run(last.seq - 2);
    const kept = db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
    db.prepare('UPDATE audit_head SET seq = ?, hash = ?').run(kept.seq, kept.hash);
    db.prepare('UPDATE chain_key SET key_index = ?').run(kept.seq);
    db.close();

    const again = gate(new FakeClock(Date.UTC(2026, 10, 22, 9, 10)));
    const resumed = unwrap(await again.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    expect(resumed.notices.join(' ')).toMatch(/changed or damaged outside Vigil/);
    await again.flushUploads();
    await again.close();
    const store = AuditStore.open(file, { readonly: true });
    const findings = store.records().filter((r) => r.valid && r.kind === 'log_tampered').map((r) => r.payload as { what: string; firstBrokenSeq: number; message: string });
    store.close();
    // Compared before the restore writes anything: the first row missing is named.
    expect(findings).toContainEqual(expect.objectContaining({ what: 'chain', firstBrokenSeq: kept.seq + 1, message: expect.stringMatching(/below the server's last checkpoint/) }));
    // The finding reached the server with the flagged activity.
    const flagged = server.sessions()[snap.sessionId]?.flags ?? [];
    expect(JSON.stringify(flagged)).toMatch(/log_tampered/);
  });

  it('a log rewritten below the last server checkpoint, every hash recomputed (the local chain fooled), is log_tampered at that row on restart', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 22, 9));
    const policy = PolicySchema.parse({ schemaVersion: 1, checkpoints: { everyRows: 2, everySeconds: 600 } });
    const g = gate(clock, policy);
    const snap = unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    for (const v of ['a', 'b', 'c', 'd']) unwrap(await g.saveAnswer({ questionId: 'q3', value: v }));
    clock.advanceBy(1500);
    await g.flushUploads();
    await g.close();
    const last = ((await asProctor(server, 'GET', `/api/proctor/sessions/${snap.sessionId}`)).body as { checkpoints: { last: { seq: number } } }).checkpoints.last;

    // With the app closed: rewrite the first answer's row and recompute every hash after it, head included.
    const file = attemptDatabaseFile(dataDir, DEMO_EXAM.id, 'alice');
    const db = new Database(file);
    db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
    const target = (db.prepare("SELECT seq FROM audit WHERE kind = 'answer_saved' ORDER BY seq LIMIT 1").get() as { seq: number }).seq;
    expect(target).toBeLessThan(last.seq);
    db.prepare("UPDATE audit SET payload = json_set(payload, '$.length', 99) WHERE seq = ?").run(target);
    const all = db.prepare('SELECT seq, at, kind, payload, prev_hash FROM audit ORDER BY seq').all() as { seq: number; at: number; kind: string; payload: string; prev_hash: string }[];
    let prev = all.find((r) => r.seq === target)!.prev_hash;
    for (const r of all.filter((x) => x.seq >= target)) {
      const hash = rowHash({ seq: r.seq, at: r.at, kind: r.kind, payload: r.payload, prevHash: prev });
      db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, hash, r.seq);
      prev = hash;
    }
    db.prepare('UPDATE audit_head SET hash = ? WHERE id = 1').run(prev);
    db.close();
    const local = AuditStore.open(file, { readonly: true });
    expect(local.verify().ok).toBe(true); // the hash chain alone no longer sees it
    local.close();

    const again = gate(new FakeClock(Date.UTC(2026, 10, 22, 9, 10)));
    const resumed = unwrap(await again.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    expect(resumed.notices.join(' ')).toMatch(/changed or damaged outside Vigil/);
    await again.close();
    const store = AuditStore.open(file, { readonly: true });
    const findings = store.records().filter((r) => r.valid && r.kind === 'log_tampered').map((r) => r.payload as { what: string; firstBrokenSeq: number; message: string });
    store.close();
    expect(findings).toContainEqual(expect.objectContaining({ what: 'chain', firstBrokenSeq: last.seq, message: expect.stringMatching(/server's checkpoint at row/) }));
  });
});
