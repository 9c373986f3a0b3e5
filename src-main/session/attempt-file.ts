import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AuditStore, AuditStoreError } from '../audit/audit-store';
import type { AuditPayload, Clock, Policy } from '../contract';
import { checkResumedAttempt, type PendingFinding } from './attempt-integrity';
import { readMarker, type AttemptMarker } from './attempt-marker';
import { restoreAttempt } from './attempt-restore';
import type { RestoredAttempt } from './attempt-restore';
import { salvageAttemptFile, type Salvage } from './attempt-salvage';

/**
 * The database of one attempt: the same exam and student always resume the same file. The
 * readable part of the name is lossy ("a.b" and "a_b" both read a_b), so a digest of the
 * exact student id keeps two students apart.
 */
export const attemptDatabaseFile = (dataDir: string, examId: string, studentId: string): string => {
  const readable = studentId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  const digest = createHash('sha256').update(studentId).digest('hex').slice(0, 12);
  return path.join(dataDir, `${examId}--${readable}-${digest}.sqlite`);
};

export interface AttemptFileOptions {
  /** Folder holding one SQLite database per exam attempt; created if missing. */
  dataDir: string;
  examId: string;
  studentId: string;
  /** The installed policy: a new attempt starts under it, a resumed one keeps its own. */
  policy: Policy;
  /** Stamps the store's rows. */
  clock: Clock;
  /** better-sqlite3 build for the running ABI (Electron's), when it is not Node's. */
  nativeBinding?: string;
}

/**
 * A new file that continues an attempt this computer knows of: the database was deleted
 * (the marker beside it remembers) or could not be opened (moved aside, salvaged). The
 * session keeps its id, start and highest score, and records the findings first thing.
 */
export interface CarryOver {
  sessionId: string | null;
  startedAt: number | null;
  maxScore: number;
  answers: { questionId: string; value: string }[];
  findings: PendingFinding[];
}

export interface OpenedAttempt {
  file: string;
  store: AuditStore;
  /** What the attempt's own audit log says about it; null for a new attempt. */
  restored: RestoredAttempt | null;
  /** The state a new file carries over from a deleted or damaged one; null otherwise. */
  carryOver: CarryOver | null;
  /** What the resumed attempt's checks found (already recorded); empty when all was intact. */
  findings: AuditPayload<'log_tampered'>[];
  /** The lowest score the attempt may have from here (the highest seen before tampering); 0 when intact. */
  scoreFloor: number;
}

/**
 * Opens (or creates) the attempt's database and reads the attempt back from it, after
 * checking it (attempt-integrity.ts). A file that cannot be opened or read is moved aside
 * and salvaged, never a crash; a file that reads but was tampered with carries on with the
 * findings recorded in it.
 */
export function openAttemptFile(opts: AttemptFileOptions): OpenedAttempt {
  mkdirSync(opts.dataDir, { recursive: true });
  const file = attemptDatabaseFile(opts.dataDir, opts.examId, opts.studentId);
  const marker = readMarker(file);
  const now = opts.clock.now();
  const open = () =>
    AuditStore.open(file, { ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}), now: () => opts.clock.now() });

  let salvage: Salvage | null = null;
  let store: AuditStore;
  try {
    store = open();
  } catch (e) {
    if (!damaged(e)) throw e;
    salvage = salvageAttemptFile(file, (e as Error).message, now);
    store = open();
  }
  try {
    return { file, store, ...resume(store, opts, marker, salvage, now) };
  } catch (e) {
    store.close();
    if (!damaged(e)) throw e;
    // Vigil's file, but a table or page cannot be read: treat it like a file that cannot be opened.
    const moved = salvageAttemptFile(file, (e as Error).message, now);
    const fresh = open();
    const carryOver = carryOverFrom(moved, marker, now);
    return { file, store: fresh, restored: null, carryOver, findings: [], scoreFloor: carryOver.maxScore };
  }

}

/** Reads the attempt back and checks it; a new file continues what the salvage or the marker remember. */
function resume(s: AuditStore, o: AttemptFileOptions, m: AttemptMarker | null, salvage: Salvage | null, at: number): Omit<OpenedAttempt, 'file' | 'store'> {
  const restored = readAttempt(s, o.policy);
  if (!restored) {
    const carryOver = salvage || m ? carryOverFrom(salvage, m, at) : null;
    return { restored: null, carryOver, findings: [], scoreFloor: carryOver?.maxScore ?? 0 };
  }
  const findings = checkResumedAttempt(s, { sessionId: restored.sessionId, studentId: o.studentId, now: at, marker: m, restored });
  const sameAttempt = m?.sessionId === restored.sessionId ? m : null;
  if (findings.length > 0 && sameAttempt) restored.startedAt = Math.min(restored.startedAt, sameAttempt.startedAt);
  const scoreFloor = findings.length > 0 ? Math.max(restored.maxScore, sameAttempt?.maxScore ?? 0) : 0;
  return { restored, carryOver: null, findings, scoreFloor };
}

/** Strict first; a log with rows that do not fit their schema is read leniently (the checks record why). */
function readAttempt(store: AuditStore, policy: Policy): RestoredAttempt | null {
  try {
    return restoreAttempt(store, policy);
  } catch (e) {
    if (e instanceof AuditStoreError && e.code === 'read_failed' && /is not what Vigil writes/.test(e.message)) {
      return restoreAttempt(store, policy, { lenient: true });
    }
    throw e;
  }
}

/** A file this build could read if it were whole: garbage, truncated, foreign, corrupt pages. */
function damaged(e: unknown): boolean {
  if (e instanceof AuditStoreError) return e.code === 'not_vigil' || e.code === 'open_failed' || e.code === 'read_failed';
  return /SQLITE_CORRUPT|SQLITE_NOTADB|malformed|not a database/i.test(String(e));
}

function carryOverFrom(salvage: Salvage | null, marker: AttemptMarker | null, now: number): CarryOver {
  const sessionId = salvage?.sessionId ?? marker?.sessionId ?? null;
  const sameMarker = marker && (sessionId === null || marker.sessionId === sessionId) ? marker : null;
  const starts = [salvage?.startedAt, sameMarker?.startedAt].filter((t): t is number => typeof t === 'number');
  const finding = salvage
    ? {
        message: `the attempt database could not be read (${salvage.reason}); it was kept as ${salvage.movedTo} and a new segment started, with ${salvage.answers.length} answer(s) recovered`,
        segment: { brokenSeq: 0, reason: salvage.reason, previousHead: null, replacedFile: salvage.movedTo },
      }
    : {
        message: `the attempt database was deleted; this computer last saw session ${marker!.sessionId} at row ${marker!.head?.seq ?? 0}, with score ${marker!.maxScore}`,
        segment: { brokenSeq: 0, reason: 'the attempt database was deleted', previousHead: null, replacedFile: null },
      };
  return {
    sessionId,
    startedAt: starts.length > 0 ? Math.min(...starts) : null,
    maxScore: Math.max(salvage?.maxScore ?? 0, sameMarker?.maxScore ?? 0),
    answers: salvage?.answers ?? [],
    findings: [{ finding: { at: now, what: 'database', firstBrokenSeq: 0, message: finding.message }, segment: finding.segment }],
  };
}
