import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';
import { decodeKey } from '../../src-main/audit/keyed-chain';
import { defaultPolicy } from '../../src-main/contract';
import type { Exam } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { TAMPERED_NOTICE } from '../../src-main/session/attempt-integrity';
import { markerFile } from '../../src-main/session/attempt-marker';
import { attemptDatabaseFile, openExamSession } from '../../src-main/session/open-exam-session';
import type { ExamSession } from '../../src-main/session/open-exam-session';
import { FakeClock } from '../fake-clock';
import { tamper } from '../unit/audit/tamper';
import { unwrap } from '../unwrap';

// The whole session on a tampered file: what the student sees and what carries over.

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const STUDENT = 'student-9';

describe('ExamSession on a tampered attempt file', () => {
  let dataDir: string;
  let scheduler: FakeClock;
  let exam: Exam;
  const open: ExamSession[] = [];
  const file = () => attemptDatabaseFile(dataDir, exam.id, STUDENT);

  async function start(extra: { escrowKey?: boolean; exam?: Exam } = {}): Promise<ExamSession> {
    const session = await openExamSession({ exam: extra.exam ?? exam, policy: defaultPolicy(), dataDir, studentId: STUDENT, scheduler, serverUrl: null, ...(extra.escrowKey ? { escrowKey: true } : {}) });
    open.push(session);
    return session;
  }

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-sec-session-'));
    scheduler = new FakeClock(T0);
    const loaded = loadExamFile(DEMO_EXAM_FILE);
    if (!loaded.ok) throw new Error(loaded.error.message);
    exam = loaded.value;
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('offline: K_0 is made locally and queued for escrow with session_started; its tags verify from it; delivered, it is erased', async () => {
    const s = await start({ escrowKey: true });
    await s.close();
    const store = AuditStore.open(file());
    const [started, queued] = store.records({ limit: 2 });
    expect(started?.kind).toBe('session_started');
    expect(queued?.kind).toBe('upload_queued');
    const escrow = store.outboxItems().find((o) => o.path === `/api/sessions/${s.sessionId}/key-escrow`)!;
    expect(escrow.auditSeq).toBe(started!.seq);
    const body = store.dueOutbox(Number.MAX_SAFE_INTEGER, 10).find((o) => o.id === escrow.id)!.body as { k0: string; examId: string };
    expect(body.examId).toBe(exam.id);
    expect(store.verify(decodeKey(body.k0))).toMatchObject({ ok: true });
    store.markDelivered(escrow.id, T0 + 1);
    const raw = store.outboxItems().find((o) => o.id === escrow.id);
    expect(raw?.state).toBe('delivered');
    store.close();
    expect(readFileSync(file()).includes(Buffer.from(body.k0))).toBe(false);
  });

  it('the exam the attempt started with is under the chain and decides the deadline on resume', async () => {
    const s = await start();
    const { deadline } = unwrap(await s.getSnapshot());
    await s.close();
    const longer = { ...exam, durationMinutes: exam.durationMinutes + 60 };
    const resumed = await start({ exam: longer });
    expect(unwrap(await resumed.getSnapshot()).deadline).toBe(deadline);
    expect(existsSync(markerFile(file()))).toBe(true);
  });

  it('a row edited while the app was closed: the student is told, the finding is queued, the score does not drop', async () => {
    const s = await start();
    // An external paste costs its points at once (a focus loss is charged only when it ends, and the first is warned).
    unwrap(await s.reportWindowEvent({ kind: 'clipboard', action: 'paste', external: true }));
    const before = unwrap(await s.getSnapshot()).risk.score;
    await s.close();
    expect(before).toBeGreaterThan(0);
    // The student deletes the integrity evidence by editing its row to something harmless.
    tamper(file(), `UPDATE audit SET payload = json_set(payload, '$.to', 0) WHERE kind = 'risk_changed'`);
    tamper(file(), `UPDATE audit SET kind = 'error', payload = '{"message":"","what":"nothing"}' WHERE kind = 'integrity_event'`);
    const resumed = await start();
    const snap = unwrap(await resumed.getSnapshot());
    expect(snap.notices).toContain(TAMPERED_NOTICE);
    expect(snap.risk.score).toBeGreaterThanOrEqual(before);
    expect(snap.sessionId).toBe(s.sessionId);
  });

  it('the database deleted mid-exam: same session, same start, the score kept, and a finding', async () => {
    const s = await start();
    unwrap(await s.reportWindowEvent({ kind: 'focus', focused: false }));
    const before = unwrap(await s.getSnapshot());
    await s.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file() + suffix, { force: true });
    scheduler.advanceBy(10 * 60_000);
    const again = await start();
    const snap = unwrap(await again.getSnapshot());
    expect(snap.sessionId).toBe(before.sessionId);
    expect(snap.startedAt).toBe(before.startedAt);
    expect(snap.deadline).toBe(before.deadline);
    expect(snap.risk.score).toBeGreaterThanOrEqual(before.risk.score);
    expect(snap.notices).toContain(TAMPERED_NOTICE);
    await again.close();
    const store = AuditStore.open(file(), { readonly: true });
    expect(store.records().some((r) => r.kind === 'log_tampered' && (r.payload as { what: string }).what === 'database')).toBe(true);
    store.close();
  });
});
