import type Database from 'better-sqlite3';
import { sha256Hex } from './hash-chain';

/**
 * Checks of what sits beside the chain against what the chain recorded about it: the
 * answers, the queued upload bodies and the detectors' saved state. Each returns the
 * problems found, in words a proctor can follow; an empty list means everything matches.
 */

export interface EvidenceProblem {
  /** The audit row the stored value should match (null when there is none). */
  seq: number | null;
  message: string;
}

/** Every answer in `answers` must be the value the newest `answer_saved` row of its question hashed. */
export function answerProblems(db: Database.Database): (EvidenceProblem & { questionId: string })[] {
  const recorded = new Map<string, { seq: number; revision: number; length: number; sha256: string }>();
  const rows = db.prepare("SELECT seq, payload FROM audit WHERE kind = 'answer_saved' ORDER BY seq").iterate() as IterableIterator<{
    seq: number;
    payload: string;
  }>;
  for (const row of rows) {
    const p = parseObject(row.payload);
    if (p && typeof p.questionId === 'string') {
      recorded.set(p.questionId, { seq: row.seq, revision: Number(p.revision), length: Number(p.length), sha256: String(p.sha256) });
    }
  }
  const problems: (EvidenceProblem & { questionId: string })[] = [];
  const stored = db.prepare('SELECT question_id, value, revision FROM answers ORDER BY question_id').all() as {
    question_id: string;
    value: string;
    revision: number;
  }[];
  for (const a of stored) {
    const r = recorded.get(a.question_id);
    if (!r) {
      problems.push({ seq: null, questionId: a.question_id, message: `the answer to ${a.question_id} has no answer_saved row (it was added outside Vigil)` });
    } else if (r.revision !== a.revision || r.sha256 !== sha256Hex(a.value)) {
      problems.push({
        seq: r.seq,
        questionId: a.question_id,
        message: `the answer to ${a.question_id} is not the revision ${r.revision} that row ${r.seq} recorded (it was changed outside Vigil)`,
      });
    }
  }
  return problems;
}

/**
 * The body of an upload as the `upload_queued` row written with it recorded it, or a
 * problem. Bodies already delivered are not checked (an escrowed key is erased from its
 * body once the server has it).
 */
export function outboxBodyProblem(db: Database.Database, item: { id: string; auditSeq: number; bodyText: string }): EvidenceProblem | null {
  const row = db.prepare("SELECT seq, payload FROM audit WHERE seq = ? AND kind = 'upload_queued'").get(item.auditSeq + 1) as
    | { seq: number; payload: string }
    | undefined;
  const p = row ? parseObject(row.payload) : null;
  if (!row || !p || p.outboxId !== item.id) {
    return { seq: item.auditSeq, message: `upload ${item.id} has no upload_queued row after row ${item.auditSeq} (it was added outside Vigil)` };
  }
  if (p.sha256 !== sha256Hex(item.bodyText)) {
    return { seq: row.seq, message: `the body of upload ${item.id} differs from the one row ${row.seq} recorded (it was edited outside Vigil)` };
  }
  return null;
}

/** Pending uploads whose body does not match its record. */
export function outboxProblems(db: Database.Database): (EvidenceProblem & { outboxId: string })[] {
  const pending = db.prepare("SELECT id, audit_seq, body FROM outbox WHERE state = 'pending' ORDER BY created_at, rowid").all() as {
    id: string;
    audit_seq: number;
    body: string;
  }[];
  const problems: (EvidenceProblem & { outboxId: string })[] = [];
  for (const o of pending) {
    const problem = outboxBodyProblem(db, { id: o.id, auditSeq: o.audit_seq, bodyText: o.body });
    if (problem) problems.push({ ...problem, outboxId: o.id });
  }
  return problems;
}

/** The saved state under `key` must be what the newest `engine_state_saved` row of that key hashed. */
export function engineStateProblem(db: Database.Database, key: string, valueText: string): EvidenceProblem | null {
  const rows = db.prepare("SELECT seq, payload FROM audit WHERE kind = 'engine_state_saved' ORDER BY seq DESC").iterate() as IterableIterator<{
    seq: number;
    payload: string;
  }>;
  for (const row of rows) {
    const p = parseObject(row.payload);
    if (p?.key !== key) continue;
    if (p.sha256 === sha256Hex(valueText)) return null;
    return { seq: row.seq, message: `the saved detector state "${key}" differs from the one row ${row.seq} recorded (it was replaced outside Vigil)` };
  }
  return { seq: null, message: `the saved detector state "${key}" has no engine_state_saved row (it was added outside Vigil)` };
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
