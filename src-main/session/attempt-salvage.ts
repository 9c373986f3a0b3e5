import { existsSync, renameSync } from 'node:fs';
import Database from 'better-sqlite3';

/** What could still be read from an attempt file that Vigil cannot open or trust as a whole. */
export interface Salvage {
  /** Where the damaged file was moved (it is kept, as evidence). */
  movedTo: string;
  reason: string;
  sessionId: string | null;
  startedAt: number | null;
  maxScore: number;
  answers: { questionId: string; value: string }[];
}

/**
 * Moves a damaged or foreign file aside (with its WAL) and reads back whatever it still
 * holds, each part on its own: a page that cannot be read loses that part, not the rest.
 */
export function salvageAttemptFile(file: string, reason: string, now: number): Salvage {
  const movedTo = `${file}.damaged-${now}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
  }
  const out: Salvage = { movedTo, reason, sessionId: null, startedAt: null, maxScore: 0, answers: [] };
  let db: Database.Database;
  try {
    db = new Database(movedTo, { readonly: true, fileMustExist: true });
  } catch {
    return out;
  }
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch {
      return undefined;
    }
  };
  try {
    const rows = attempt(() => db.prepare('SELECT question_id, value FROM answers').all() as { question_id: unknown; value: unknown }[]) ?? [];
    for (const r of rows) {
      if (typeof r.question_id === 'string' && r.question_id.length > 0 && typeof r.value === 'string') {
        out.answers.push({ questionId: r.question_id, value: r.value });
      }
    }
    const started = attempt(() => db.prepare("SELECT payload FROM audit WHERE kind = 'session_started' ORDER BY seq LIMIT 1").get()) as
      | { payload: string }
      | undefined;
    const p = started ? attempt(() => JSON.parse(started.payload) as { sessionId?: unknown; at?: unknown }) : undefined;
    if (typeof p?.sessionId === 'string' && p.sessionId.length > 0) out.sessionId = p.sessionId;
    if (typeof p?.at === 'number' && Number.isFinite(p.at)) out.startedAt = p.at;
    const score = attempt(
      () =>
        db
          .prepare(
            `SELECT max(coalesce(json_extract(payload, '$.to'), json_extract(payload, '$.score'), json_extract(payload, '$.riskScore'))) AS s
             FROM audit WHERE kind IN ('risk_changed', 'session_locked', 'submission') AND json_valid(payload)`,
          )
          .get() as { s: number | null },
    );
    if (typeof score?.s === 'number' && Number.isFinite(score.s)) out.maxScore = Math.min(100, Math.max(0, score.s));
  } finally {
    db.close();
  }
  return out;
}
