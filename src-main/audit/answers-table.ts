import type { SavedAnswer } from '../contract/exam';
import type { StoreContext } from './store-context';

/** The latest text of each answer. Only this table holds what the student typed. */
export class AnswersTable {
  constructor(private readonly ctx: StoreContext) {}

  /** Inside a transaction: the revision the next save of `questionId` takes. */
  nextRevision(questionId: string): number {
    const previous = this.ctx.db.prepare('SELECT revision FROM answers WHERE question_id = ?').get(questionId) as
      | { revision: number }
      | undefined;
    return (previous?.revision ?? 0) + 1;
  }

  /** Inside a transaction: replaces the stored answer. */
  put(answer: SavedAnswer): void {
    this.ctx.db
      .prepare(
        `INSERT INTO answers (question_id, value, saved_at, revision) VALUES (?, ?, ?, ?)
         ON CONFLICT (question_id) DO UPDATE SET value = excluded.value, saved_at = excluded.saved_at, revision = excluded.revision`,
      )
      .run(answer.questionId, answer.value, answer.savedAt, answer.revision);
  }

  all(): SavedAnswer[] {
    return this.ctx.read('read the answers', () =>
      (
        this.ctx.db.prepare('SELECT question_id, value, saved_at, revision FROM answers ORDER BY question_id').all() as {
          question_id: string;
          value: string;
          saved_at: number;
          revision: number;
        }[]
      ).map((r) => ({ questionId: r.question_id, value: r.value, savedAt: r.saved_at, revision: r.revision })),
    );
  }
}
