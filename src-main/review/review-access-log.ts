import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const REVIEW_ACCESS_LOG_NAME = 'vigil-review-access.jsonl';

export const ACCESS_OUTCOMES = ['signed_in', 'wrong_password', 'too_soon', 'signed_out'] as const;
export type AccessOutcome = (typeof ACCESS_OUTCOMES)[number];

const AccessLineSchema = z.object({ at: z.number(), outcome: z.enum(ACCESS_OUTCOMES) });

/** What the log says about past sign-ins: enough for the throttle and for the proctor's notice. */
export interface AccessHistory {
  /** Wrong passwords after the newest sign-in (all of them when there was none). */
  failedSinceLastSignIn: number;
  lastFailureAt: number | null;
  lastSignInAt: number | null;
  /** Lines that are not a record of ours (edited or cut off): skipped, and said. */
  unreadableLines: number;
}

/**
 * Every proctor sign-in and every wrong password, one JSON line each, beside the review
 * file (vigil-review.json) and never in an attempt database: review writes none of those.
 * The password is never written. The file is read back at start, so the throttle and the
 * count of wrong passwords survive a restart of the review.
 */
export class ReviewAccessLog {
  readonly file: string;

  constructor(root: string) {
    this.file = path.join(root, REVIEW_ACCESS_LOG_NAME);
  }

  /** Appends one record; throws a message naming the file when it cannot (the gate then refuses). */
  record(outcome: AccessOutcome, at: number): void {
    const line = JSON.stringify({ at, time: new Date(at).toISOString(), outcome });
    try {
      appendFileSync(this.file, `${line}\n`, { flush: true });
    } catch (cause) {
      throw new Error(`Cannot record the proctor sign-in in ${this.file}: ${(cause as Error).message}`, { cause });
    }
  }

  history(): AccessHistory {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return { failedSinceLastSignIn: 0, lastFailureAt: null, lastSignInAt: null, unreadableLines: 0 };
      throw new Error(`Cannot read the proctor sign-in log ${this.file}: ${(cause as Error).message}`, { cause });
    }
    const out: AccessHistory = { failedSinceLastSignIn: 0, lastFailureAt: null, lastSignInAt: null, unreadableLines: 0 };
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let parsed: z.infer<typeof AccessLineSchema>;
      try {
        parsed = AccessLineSchema.parse(JSON.parse(line));
      } catch {
        out.unreadableLines++;
        continue;
      }
      if (parsed.outcome === 'signed_in') {
        out.lastSignInAt = parsed.at;
        out.failedSinceLastSignIn = 0;
        out.lastFailureAt = null;
      } else if (parsed.outcome === 'wrong_password') {
        out.failedSinceLastSignIn++;
        out.lastFailureAt = parsed.at;
      }
    }
    return out;
  }
}
