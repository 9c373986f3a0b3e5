import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type {
  AcceptedCheckpoint,
  AttemptRecord,
  CheckpointRefusal,
  ConfigMismatch,
  ExamRecord,
  ExamServerStorage,
  RecordedResponse,
  SessionUploads,
  StoredLiveReport,
  StoredUpload,
  StoredProctorOrder,
  UploadKind,
} from './storage';
import type { SignedProctorOrder } from '../src-main/contract/proctor-order';
import { migrateServerDatabase } from './sqlite-migrations';

export const DATABASE_FILE = 'exam-server.db';

interface AttemptRow {
  session_id: string;
  exam_id: string;
  student_id: string;
  device_id: string;
  app_version: string;
  policy_hash: string;
  k0: string;
  origin: AttemptRecord['origin'];
  started_at: number;
  client_started_at: number | null;
  deadline: number;
  exam_started_at: number | null;
  start_by: number | null;
  attempt_number: number;
  second_attempt_of: string | null;
  created_at: number;
}

interface UploadRow {
  session_id: string;
  kind: UploadKind;
  student_id: string;
  idempotency_key: string;
  received_at: string;
  body: string;
  config_mismatch: string | null;
}

/**
 * The exam server's data in one SQLite file (WAL, synchronous=FULL: an acknowledged upload
 * is on disk), or in memory for tests that need no file.
 */
export class SqliteExamStorage implements ExamServerStorage {
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(private readonly db: Database.Database) {}

  /** Prepared once per SQL text: the upload routes run these on every request. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Opens (creating if needed) `<dataDir>/exam-server.db`. */
  static openDir(dataDir: string): SqliteExamStorage {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, DATABASE_FILE);
    const storage = SqliteExamStorage.openFile(file);
    // It holds every attempt's K_0 and the token secret: owner only (WAL files inherit the mode).
    chmodSync(file, 0o600);
    return storage;
  }

  static openFile(file: string): SqliteExamStorage {
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrateServerDatabase(db, file);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteExamStorage(db);
  }

  static inMemory(): SqliteExamStorage {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrateServerDatabase(db, ':memory:');
    return new SqliteExamStorage(db);
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  tokenSecret(): Buffer {
    const row = this.sql("SELECT value FROM meta WHERE name = 'token_secret'").get() as { value: string } | undefined;
    if (row) return Buffer.from(row.value, 'base64');
    const secret = randomBytes(32);
    this.sql("INSERT INTO meta (name, value) VALUES ('token_secret', ?)").run(secret.toString('base64'));
    return secret;
  }

  recordedResponse(key: string): RecordedResponse | undefined {
    return this.sql('SELECT fingerprint, status, body FROM responses WHERE idempotency_key = ?').get(key) as RecordedResponse | undefined;
  }

  remember(key: string, response: RecordedResponse): void {
    this.db
      .prepare('INSERT INTO responses (idempotency_key, fingerprint, status, body) VALUES (?, ?, ?, ?)')
      .run(key, response.fingerprint, response.status, response.body);
  }

  putExam(exam: ExamRecord): void {
    this.db
      .prepare(
        `INSERT INTO exams (exam_id, exam, second_attempt, required_policy_hash, max_check_minutes, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (exam_id) DO UPDATE SET exam = excluded.exam,
           second_attempt = excluded.second_attempt, required_policy_hash = excluded.required_policy_hash,
           max_check_minutes = excluded.max_check_minutes, updated_at = excluded.updated_at`,
      )
      .run(exam.examId, JSON.stringify(exam.exam), exam.secondAttempt, exam.requiredPolicyHash, exam.maxCheckMinutes, exam.updatedAt);
  }

  exam(examId: string): ExamRecord | undefined {
    const row = this.sql('SELECT * FROM exams WHERE exam_id = ?').get(examId) as
      | { exam_id: string; exam: string; second_attempt: 'refuse' | 'flag'; required_policy_hash: string | null; max_check_minutes: number; updated_at: number }
      | undefined;
    if (!row) return undefined;
    return {
      examId: row.exam_id,
      exam: JSON.parse(row.exam) as ExamRecord['exam'],
      secondAttempt: row.second_attempt,
      requiredPolicyHash: row.required_policy_hash,
      maxCheckMinutes: row.max_check_minutes,
      updatedAt: row.updated_at,
    };
  }

  setAccessCodeHash(examId: string, studentId: string, codeHash: string, issuedAt: number): void {
    this.db
      .prepare(
        `INSERT INTO access_codes (exam_id, student_id, code_hash, issued_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (exam_id, student_id) DO UPDATE SET code_hash = excluded.code_hash, issued_at = excluded.issued_at`,
      )
      .run(examId, studentId, codeHash, issuedAt);
  }

  accessCodeHash(examId: string, studentId: string): string | undefined {
    const row = this.sql('SELECT code_hash FROM access_codes WHERE exam_id = ? AND student_id = ?').get(examId, studentId) as
      | { code_hash: string }
      | undefined;
    return row?.code_hash;
  }

  addAttempt(a: AttemptRecord): void {
    this.db
      .prepare(
        `INSERT INTO attempts (session_id, exam_id, student_id, device_id, app_version, policy_hash, k0, origin, started_at,
           client_started_at, deadline, exam_started_at, start_by, attempt_number, second_attempt_of, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        a.sessionId, a.examId, a.studentId, a.deviceId, a.appVersion, a.policyHash, a.k0, a.origin, a.startedAt,
        a.clientStartedAt, a.deadline, a.examStartedAt, a.startBy, a.attemptNumber, a.secondAttemptOf, a.createdAt,
      );
  }

  addProctorOrder(signed: SignedProctorOrder, issuedBy: string): void {
    const o = signed.order;
    this.sql('INSERT INTO proctor_orders (session_id, seq, order_id, action, signed, issued_by, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      o.sessionId, o.seq, o.orderId, o.action, JSON.stringify(signed), issuedBy, o.issuedAt,
    );
  }

  addLiveReports(reports: (StoredLiveReport & { sessionId: string })[]): void {
    const insert = this.sql('INSERT INTO live_reports (session_id, kind, at, received_at, body) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const r of reports) insert.run(r.sessionId, r.kind, r.at, r.receivedAt, JSON.stringify(r.body));
    })();
  }

  liveReports(sessionId: string): StoredLiveReport[] {
    const rows = this.sql('SELECT kind, at, received_at, body FROM live_reports WHERE session_id = ? ORDER BY id').all(sessionId) as {
      kind: StoredLiveReport['kind'];
      at: number;
      received_at: number;
      body: string;
    }[];
    return rows.map((r) => ({ kind: r.kind, at: r.at, receivedAt: r.received_at, body: JSON.parse(r.body) as unknown }));
  }

  proctorOrders(sessionId: string): StoredProctorOrder[] {
    const rows = this.sql('SELECT signed, issued_by FROM proctor_orders WHERE session_id = ? ORDER BY seq').all(sessionId) as { signed: string; issued_by: string }[];
    return rows.map((r) => ({ signed: JSON.parse(r.signed) as SignedProctorOrder, issuedBy: r.issued_by }));
  }

  setDeadline(sessionId: string, deadline: number): void {
    const changed = this.sql('UPDATE attempts SET deadline = ? WHERE session_id = ?').run(deadline, sessionId).changes;
    if (changed !== 1) throw new Error(`no attempt ${sessionId} to move the deadline of`);
  }

  startExam(sessionId: string, examStartedAt: number, deadline: number): void {
    const changed = this.sql('UPDATE attempts SET exam_started_at = ?, deadline = ? WHERE session_id = ? AND exam_started_at IS NULL').run(examStartedAt, deadline, sessionId).changes;
    if (changed !== 1) throw new Error(`no attempt ${sessionId} awaiting its start`);
  }

  attempt(sessionId: string): AttemptRecord | undefined {
    const row = this.sql('SELECT * FROM attempts WHERE session_id = ?').get(sessionId) as AttemptRow | undefined;
    return row ? attemptFromRow(row) : undefined;
  }

  attemptsOf(examId: string, studentId: string): AttemptRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM attempts WHERE exam_id = ? AND student_id = ? ORDER BY attempt_number')
      .all(examId, studentId) as AttemptRow[];
    return rows.map(attemptFromRow);
  }

  attemptsAt(examId: string): AttemptRecord[] {
    const rows = this.sql('SELECT * FROM attempts WHERE exam_id = ? ORDER BY created_at, session_id').all(examId) as AttemptRow[];
    return rows.map(attemptFromRow);
  }

  lastCheckpoint(sessionId: string): AcceptedCheckpoint | undefined {
    const row = this.db
      .prepare('SELECT seq, hash, tag, key, accepted_at FROM checkpoints WHERE session_id = ? ORDER BY seq DESC LIMIT 1')
      .get(sessionId) as { seq: number; hash: string; tag: string; key: string; accepted_at: number } | undefined;
    return row ? { seq: row.seq, hash: row.hash, tag: row.tag, key: row.key, acceptedAt: row.accepted_at } : undefined;
  }

  acceptCheckpoint(sessionId: string, c: AcceptedCheckpoint): void {
    this.db
      .prepare('INSERT INTO checkpoints (session_id, seq, hash, tag, key, accepted_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(sessionId, c.seq, c.hash, c.tag, c.key, c.acceptedAt);
  }

  checkpointCount(sessionId: string): number {
    return (this.sql('SELECT count(*) AS n FROM checkpoints WHERE session_id = ?').get(sessionId) as { n: number }).n;
  }

  recordRefusal(sessionId: string, r: CheckpointRefusal): void {
    this.db
      .prepare('INSERT INTO checkpoint_refusals (session_id, seq, hash, tag, reason, message, at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(sessionId, r.seq, r.hash, r.tag, r.reason, r.message, r.at);
  }

  refusals(sessionId: string): CheckpointRefusal[] {
    return this.db
      .prepare('SELECT seq, hash, tag, reason, message, at FROM checkpoint_refusals WHERE session_id = ? ORDER BY id')
      .all(sessionId) as CheckpointRefusal[];
  }

  addUpload(sessionId: string, kind: UploadKind, u: StoredUpload): void {
    this.db
      .prepare('INSERT INTO uploads (session_id, kind, student_id, idempotency_key, received_at, body, config_mismatch) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(sessionId, kind, u.studentId, u.idempotencyKey, u.receivedAt, JSON.stringify(u.body), u.configMismatch ? JSON.stringify(u.configMismatch) : null);
  }

  configMismatches(sessionId: string): number {
    return (this.sql('SELECT count(*) AS n FROM uploads WHERE session_id = ? AND config_mismatch IS NOT NULL').get(sessionId) as { n: number }).n;
  }

  hasSubmission(sessionId: string, studentId: string): boolean {
    return (
      this.sql("SELECT 1 FROM uploads WHERE session_id = ? AND student_id = ? AND kind = 'submission' LIMIT 1").get(sessionId, studentId) !==
      undefined
    );
  }

  uploads(): Record<string, SessionUploads> {
    const out: Record<string, SessionUploads> = {};
    for (const row of this.sql('SELECT * FROM uploads ORDER BY id').iterate() as IterableIterator<UploadRow>) {
      addRow((out[row.session_id] ??= { sessionId: row.session_id, flags: [], submissions: [] }), row);
    }
    return out;
  }

  uploadsOf(sessionId: string): SessionUploads {
    const found: SessionUploads = { sessionId, flags: [], submissions: [] };
    for (const row of this.sql('SELECT * FROM uploads WHERE session_id = ? ORDER BY id').all(sessionId) as UploadRow[]) addRow(found, row);
    return found;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function addRow(session: SessionUploads, row: UploadRow): void {
  const upload: StoredUpload = {
    studentId: row.student_id,
    idempotencyKey: row.idempotency_key,
    receivedAt: row.received_at,
    body: JSON.parse(row.body) as unknown,
    ...(row.config_mismatch !== null ? { configMismatch: JSON.parse(row.config_mismatch) as ConfigMismatch } : {}),
  };
  (row.kind === 'submission' ? session.submissions : session.flags).push(upload);
}

function attemptFromRow(r: AttemptRow): AttemptRecord {
  return {
    sessionId: r.session_id,
    examId: r.exam_id,
    studentId: r.student_id,
    deviceId: r.device_id,
    appVersion: r.app_version,
    policyHash: r.policy_hash,
    k0: r.k0,
    origin: r.origin,
    startedAt: r.started_at,
    clientStartedAt: r.client_started_at,
    deadline: r.deadline,
    examStartedAt: r.exam_started_at,
    startBy: r.start_by,
    attemptNumber: r.attempt_number,
    secondAttemptOf: r.second_attempt_of,
    createdAt: r.created_at,
  };
}
