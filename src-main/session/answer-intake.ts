import { RateBudget } from '../clock/rate-budget';
import { SaveAnswerInputSchema, err, ok } from '../contract';
import type { Clock, Exam, Result, SaveAnswerInput } from '../contract';
import { checkAnswer } from './answer-rules';

/**
 * A page autosaves each answer at most a few times a second and flushes every answer at
 * once before submitting; these bounds leave that untouched and stop a runaway page from
 * blocking the main process with thousands of fsync'd writes.
 */
export const SAVE_BUDGET = { perSecond: 50, burst: 100 };

/**
 * The door of the save verb: how often one page may save, and whether what it sent is an
 * answer to this exam. Everything it refuses is refused before any work, so the page keeps
 * the text and nothing is half done.
 */
export class AnswerIntake {
  private readonly budget: RateBudget;

  constructor(
    private readonly exam: Exam,
    clock: Clock,
    /** Audits a refused input and returns `invalid_input` with the message. */
    private readonly rejected: (message: string) => Result<never>,
  ) {
    this.budget = new RateBudget(clock, SAVE_BUDGET);
  }

  admit(input: SaveAnswerInput): Result<SaveAnswerInput> {
    if (!this.budget.take()) {
      // Not audited: a flood of rows would be the very load the budget prevents.
      return err('too_fast', `Too many saves at once; retry in ${this.budget.retryAfterMs()} ms. Nothing was lost.`);
    }
    const parsed = SaveAnswerInputSchema.safeParse(input);
    // The schema's messages say what is wrong (the length limit, an unpaired surrogate).
    if (!parsed.success) return this.rejected(`${parsed.error.issues.map((i) => i.message).join('; ')}; it was not saved.`);
    const problem = checkAnswer(this.exam, parsed.data);
    return problem ? this.rejected(problem) : ok(parsed.data);
  }
}
