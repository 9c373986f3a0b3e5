import path from 'node:path';
import { EMPTY_REVIEW_NOTE, type ReadableAttempt } from '../contract/review';
import { AttemptReadError, readAttempt } from './attempt-reader';
import { summarizeAttempt } from './attempt-summary';
import { ReviewNotes } from './review-notes';

/**
 * One attempt's summary for the audit CLI, with the proctor's note from the review file
 * beside it when there is one. Read-only on the database, like the review window.
 */
export function attemptSummaryReport(file: string): { ok: true; summary: ReadableAttempt } | { ok: false; error: string } {
  try {
    const resolved = path.resolve(file);
    const raw = readAttempt(resolved);
    let notes: ReviewNotes | null = null;
    try {
      notes = new ReviewNotes(path.dirname(resolved));
    } catch {
      notes = null; // a broken review file does not hide the attempt's own summary
    }
    const id = path.basename(resolved);
    return { ok: true, summary: summarizeAttempt(raw, id, notes?.get(id) ?? EMPTY_REVIEW_NOTE) };
  } catch (e) {
    return { ok: false, error: e instanceof AttemptReadError ? e.message : `cannot read: ${file}: ${(e as Error).message}` };
  }
}
