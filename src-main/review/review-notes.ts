import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EMPTY_REVIEW_NOTE, ReviewNoteSchema, type ReviewNote } from '../contract/review';

export const REVIEW_FILE_NAME = 'vigil-review.json';

const ReviewFileSchema = z.object({
  format: z.literal('vigil-review'),
  formatVersion: z.literal(1),
  attempts: z.record(z.string(), ReviewNoteSchema),
});
type ReviewFile = z.infer<typeof ReviewFileSchema>;

/**
 * The proctor's notes and dispositions, in their own JSON file beside the reviewed
 * databases (never inside them: the attempt database is evidence and stays as the client
 * wrote it). Written whole to a temporary file and renamed, so a crash keeps the old file.
 */
export class ReviewNotes {
  readonly file: string;
  private data: ReviewFile;

  constructor(root: string) {
    this.file = path.join(root, REVIEW_FILE_NAME);
    this.data = { format: 'vigil-review', formatVersion: 1, attempts: {} };
    if (!existsSync(this.file)) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
    } catch (cause) {
      throw new Error(`The review file ${this.file} cannot be read (${(cause as Error).message}); move it away to start a new one.`, { cause });
    }
    const checked = ReviewFileSchema.safeParse(parsed);
    if (!checked.success) {
      throw new Error(`The review file ${this.file} is not a Vigil review file (${checked.error.issues[0]?.message ?? 'bad shape'}); move it away to start a new one.`);
    }
    this.data = checked.data;
  }

  get(id: string): ReviewNote {
    return this.data.attempts[id] ?? EMPTY_REVIEW_NOTE;
  }

  save(id: string, note: Omit<ReviewNote, 'updatedAt'>, now: number): ReviewNote {
    const saved = ReviewNoteSchema.parse({ ...note, updatedAt: now });
    const next: ReviewFile = { ...this.data, attempts: { ...this.data.attempts, [id]: saved } };
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { flush: true });
      renameSync(tmp, this.file);
    } catch (cause) {
      throw new Error(`Cannot save the review to ${this.file}: ${(cause as Error).message}`, { cause });
    }
    this.data = next;
    return saved;
  }
}
