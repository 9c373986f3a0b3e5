import type { SaveAnswerInput, SavedAnswer } from '../src-main/contract/exam';
import type { ErrorCode, Result } from '../src-main/contract/result';
import type { SaveState } from './save-state';

export interface AutosaveOptions {
  save(input: SaveAnswerInput): Promise<Result<SavedAnswer>>;
  onState(questionId: string, state: SaveState): void;
  /** Quiet time after the last keystroke before a save is sent. */
  debounceMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Wait before resending a save the engine refused as too fast (it did nothing with it). */
  tooFastRetryMs?: number;
}

interface Entry {
  latest: string;
  /** The value the engine last confirmed, null when unknown. */
  confirmed: string | null;
  timer: ReturnType<typeof setTimeout> | null;
  /** The running save loop, if any. */
  loop: Promise<void> | null;
  again: boolean;
  failures: number;
}

// Retrying these cannot succeed: the session no longer accepts answers, or the value is invalid.
const FINAL_ERRORS: ReadonlySet<ErrorCode> = new Set(['session_submitted', 'invalid_input']);

/**
 * Saves answers as the student types: debounced while typing, at once on blur or submit,
 * one request per question in flight, and failed saves retried with backoff. The text is
 * never discarded here; the field keeps showing it whatever happens to the save.
 */
export class AnswerAutosave {
  private readonly entries = new Map<string, Entry>();
  private readonly debounceMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly tooFastRetryMs: number;
  private disposed = false;

  constructor(private readonly opts: AutosaveOptions) {
    this.debounceMs = opts.debounceMs ?? 300;
    this.retryBaseMs = opts.retryBaseMs ?? 1000;
    this.retryMaxMs = opts.retryMaxMs ?? 15_000;
    this.tooFastRetryMs = opts.tooFastRetryMs ?? 250;
  }

  /** The field changed: save after the debounce. */
  change(questionId: string, value: string): void {
    const e = this.entry(questionId);
    e.latest = value;
    if (e.confirmed === value && !e.loop) {
      this.clearTimer(e);
      this.opts.onState(questionId, { kind: 'saved', at: Date.now() });
      return;
    }
    this.opts.onState(questionId, { kind: 'saving' });
    this.schedule(questionId, e, this.debounceMs);
  }

  /** Save now (blur, a radio choice, before submitting). Resolves when the engine answered. */
  flush(questionId: string): Promise<void> {
    const e = this.entries.get(questionId);
    if (!e) return Promise.resolve();
    return this.run(questionId, e);
  }

  /** Save everything pending; resolves true when every answer is confirmed. */
  async flushAll(): Promise<boolean> {
    await Promise.all([...this.entries.keys()].map((id) => this.flush(id)));
    return [...this.entries.values()].every((e) => e.confirmed === e.latest);
  }

  /** Values typed here that the engine has not confirmed (kept in the fields). */
  unsaved(): string[] {
    return [...this.entries].filter(([, e]) => e.confirmed !== e.latest).map(([id]) => id);
  }

  dispose(): void {
    this.disposed = true;
    for (const e of this.entries.values()) this.clearTimer(e);
  }

  private entry(questionId: string): Entry {
    let e = this.entries.get(questionId);
    if (!e) {
      e = { latest: '', confirmed: null, timer: null, loop: null, again: false, failures: 0 };
      this.entries.set(questionId, e);
    }
    return e;
  }

  private schedule(questionId: string, e: Entry, ms: number): void {
    this.clearTimer(e);
    if (this.disposed) return;
    e.timer = setTimeout(() => {
      e.timer = null;
      void this.run(questionId, e);
    }, ms);
  }

  private clearTimer(e: Entry): void {
    if (e.timer !== null) clearTimeout(e.timer);
    e.timer = null;
  }

  private run(questionId: string, e: Entry): Promise<void> {
    this.clearTimer(e);
    if (e.loop) {
      e.again = true;
      return e.loop;
    }
    if (e.confirmed === e.latest) return Promise.resolve();
    e.loop = this.loop(questionId, e).finally(() => {
      e.loop = null;
    });
    return e.loop;
  }

  private async loop(questionId: string, e: Entry): Promise<void> {
    do {
      e.again = false;
      const value = e.latest;
      if (value === e.confirmed) break;
      this.opts.onState(questionId, { kind: 'saving' });
      const result = await this.callSave({ questionId, value });
      if (this.disposed) return;
      if (!result.ok && result.error.code === 'too_fast') {
        // Not a failure: the engine is pacing this page. The text stays pending and is resent.
        this.schedule(questionId, e, this.tooFastRetryMs);
        return;
      }
      if (!result.ok) {
        e.failures += 1;
        const final = FINAL_ERRORS.has(result.error.code);
        const retryInMs = final ? null : Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (e.failures - 1));
        this.opts.onState(questionId, { kind: 'failed', reason: result.error.message, retryInMs });
        if (retryInMs !== null) this.schedule(questionId, e, retryInMs);
        return;
      }
      e.failures = 0;
      e.confirmed = value;
    } while (e.again);
    if (e.confirmed === e.latest) this.opts.onState(questionId, { kind: 'saved', at: Date.now() });
    // Otherwise the student typed during the save; the debounce timer already runs for it.
  }

  private async callSave(input: SaveAnswerInput): Promise<Result<SavedAnswer>> {
    try {
      return await this.opts.save(input);
    } catch (cause) {
      // The API promises values, not rejections; a broken bridge is still reported, not thrown.
      const message = cause instanceof Error ? cause.message : String(cause);
      return { ok: false, error: { code: 'internal', message: `could not reach the exam engine (${message})` } };
    }
  }
}
