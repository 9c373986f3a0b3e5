import type { SignedProctorOrder } from '../src-main/contract/proctor-order';
import type { AttemptOrigin, CheckpointRefusalReason, ExamSettings } from '../src-main/contract/exam-server-api';

/**
 * An upload that came with another Config Key (`vigil-config-key`, the SHA-256 of the app's
 * policy) than its attempt registered with, or than the exam requires: stored all the same
 * (a student's submission and a proctor's evidence are never dropped), marked for the proctor.
 */
export interface ConfigMismatch {
  /** The key the upload came with; null when it came with none. */
  sent: string | null;
  /** The key the attempt registered with. */
  registered: string;
  /** The exam's required key at the time of the upload, if it has one. */
  required: string | null;
}

/** One upload the server accepted. */
export interface StoredUpload {
  studentId: string;
  idempotencyKey: string;
  /** ISO time of receipt. */
  receivedAt: string;
  body: unknown;
  /** Present only when the upload's Config Key did not match (see ConfigMismatch). */
  configMismatch?: ConfigMismatch;
}

export interface SessionUploads {
  sessionId: string;
  flags: StoredUpload[];
  submissions: StoredUpload[];
}

export interface RecordedResponse {
  /** method + path + body digest: a key reused for a different request is refused. */
  fingerprint: string;
  status: number;
  body: string;
}

export interface ExamRecord extends ExamSettings {
  examId: string;
  updatedAt: number;
}

export interface AttemptRecord {
  sessionId: string;
  examId: string;
  studentId: string;
  deviceId: string;
  appVersion: string;
  policyHash: string;
  /** K_0, base64. */
  k0: string;
  origin: AttemptOrigin;
  /** Server clock, epoch ms. For an offline-started attempt: the client's claim, capped at escrow time. */
  startedAt: number;
  /** What an offline client said; null online. */
  clientStartedAt: number | null;
  /**
   * Server clock, epoch ms. While the exam's time has not started (`examStartedAt` null) the
   * latest it can be: `startBy` + duration, capped by a first attempt's, plus extensions.
   */
  deadline: number;
  /** When the exam's time started (server clock); null while the attempt awaits its system check. */
  examStartedAt: number | null;
  /** When the time starts at the latest, for an attempt registered to await its check; else null. */
  startBy: number | null;
  attemptNumber: number;
  secondAttemptOf: string | null;
  createdAt: number;
}

/** The last checkpoint the server accepted for an attempt, with the key that sealed it. */
export interface AcceptedCheckpoint {
  seq: number;
  hash: string;
  tag: string;
  /** K_{seq-1}, base64: the next verification evolves from here, not from K_0. */
  key: string;
  acceptedAt: number;
}

/** A refused checkpoint is evidence for the proctor, so it is kept. */
export interface CheckpointRefusal {
  seq: number;
  hash: string;
  tag: string;
  reason: CheckpointRefusalReason;
  message: string;
  at: number;
}

export type UploadKind = 'flag' | 'submission';

/**
 * What the live channel carried for an attempt, kept so the proctor's drill-down survives a
 * server restart: the app's own risk reports and flags (`vigil_risk`, `vigil_flag`) and the
 * server's score of seed events. The outbox stays the source of truth; this is the live copy.
 */
export type LiveReportKind = 'app_risk' | 'app_flag' | 'stream_risk';

export interface StoredLiveReport {
  kind: LiveReportKind;
  /** The report's own time: the app's clock for app reports, the server's for stream scores (epoch ms). */
  at: number;
  /** Server clock at receipt. */
  receivedAt: number;
  body: unknown;
}

export interface StoredProctorOrder {
  signed: SignedProctorOrder;
  /** Who ordered it (the proctor credential is shared, so for now always 'proctor'). */
  issuedBy: string;
}

/**
 * Everything the exam server keeps. Calls are synchronous so a route's reads and writes
 * happen with nothing interleaved (Node runs one handler step at a time); `transaction`
 * makes a group of writes all-or-nothing on disk.
 */
export interface ExamServerStorage {
  transaction<T>(work: () => T): T;
  /** A random secret made on first open and kept: it derives the attempt tokens. */
  tokenSecret(): Buffer;

  recordedResponse(key: string): RecordedResponse | undefined;
  remember(key: string, response: RecordedResponse): void;

  putExam(exam: ExamRecord): void;
  exam(examId: string): ExamRecord | undefined;

  /** Replaces any earlier code of this student at this exam. */
  setAccessCodeHash(examId: string, studentId: string, codeHash: string, issuedAt: number): void;
  accessCodeHash(examId: string, studentId: string): string | undefined;

  addAttempt(attempt: AttemptRecord): void;
  attempt(sessionId: string): AttemptRecord | undefined;
  /** Oldest first. */
  attemptsOf(examId: string, studentId: string): AttemptRecord[];
  attemptsAt(examId: string): AttemptRecord[];

  lastCheckpoint(sessionId: string): AcceptedCheckpoint | undefined;
  acceptCheckpoint(sessionId: string, checkpoint: AcceptedCheckpoint): void;
  checkpointCount(sessionId: string): number;
  recordRefusal(sessionId: string, refusal: CheckpointRefusal): void;
  refusals(sessionId: string): CheckpointRefusal[];

  addUpload(sessionId: string, kind: UploadKind, upload: StoredUpload): void;
  hasSubmission(sessionId: string, studentId: string): boolean;
  /** How many of the session's uploads are marked with a ConfigMismatch. */
  configMismatches(sessionId: string): number;
  /** Sessions that have uploads, each with its uploads in arrival order. A copy. */
  uploads(): Record<string, SessionUploads>;
  uploadsOf(sessionId: string): SessionUploads;

  /** Several live reports in one transaction (they arrive in bursts and are written in batches). */
  addLiveReports(reports: (StoredLiveReport & { sessionId: string })[]): void;
  /** Oldest first (in arrival order). */
  liveReports(sessionId: string): StoredLiveReport[];

  /** A signed proctor order, kept as issued (the server's audit of it). */
  addProctorOrder(signed: SignedProctorOrder, issuedBy: string): void;
  /** Oldest first. */
  proctorOrders(sessionId: string): StoredProctorOrder[];
  /** A time extension moves the attempt's deadline on the server too. */
  setDeadline(sessionId: string, deadline: number): void;
  /** The exam's time starts (once): its start and the deadline it runs to. */
  startExam(sessionId: string, examStartedAt: number, deadline: number): void;

  close(): void;
}
