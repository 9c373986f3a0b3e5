import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { SaveAnswerInput, SavedAnswer } from '../../../src-main/contract/exam';
import type { Result } from '../../../src-main/contract/result';
import { AnswerAutosave } from '../../../src-renderer/answer-autosave';
import type { SaveState } from '../../../src-renderer/save-state';

/** A fake engine: records calls; each call waits for the test to settle it. */
function fakeEngine() {
  const calls: Array<{ input: SaveAnswerInput; settle: (r: Result<SavedAnswer>) => void }> = [];
  let revision = 0;
  return {
    calls,
    save: (input: SaveAnswerInput) =>
      new Promise<Result<SavedAnswer>>((resolve) => {
        calls.push({ input, settle: resolve });
      }),
    succeed(i: number) {
      const call = calls[i]!;
      call.settle({ ok: true, value: { ...call.input, savedAt: 1, revision: ++revision } });
    },
    fail(i: number, code: 'storage_failed' | 'session_submitted' | 'too_fast' = 'storage_failed') {
      calls[i]!.settle({ ok: false, error: { code, message: `disk says no (${code})` } });
    },
  };
}

let states: Array<[string, SaveState]>;
const lastState = (): SaveState | undefined => states[states.length - 1]?.[1];

beforeEach(() => {
  vi.useFakeTimers();
  states = [];
});
afterEach(() => vi.useRealTimers());

describe('AnswerAutosave', () => {
  test('saves once per pause in typing, with the latest text', async () => {
    const engine = fakeEngine();
    const autosave = new AnswerAutosave({ save: engine.save, onState: (q, s) => states.push([q, s]) });
    autosave.change('q1', 'F');
    await vi.advanceTimersByTimeAsync(100);
    autosave.change('q1', 'F = m');
    await vi.advanceTimersByTimeAsync(100);
    autosave.change('q1', 'F = ma');
    expect(lastState()).toEqual({ kind: 'saving' });
    await vi.advanceTimersByTimeAsync(299);
    expect(engine.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(engine.calls.map((c) => c.input)).toEqual([{ questionId: 'q1', value: 'F = ma' }]);
    engine.succeed(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(lastState()?.kind).toBe('saved');
  });

  test('flush (blur) saves at once; text typed during a save is saved after it, one request at a time', async () => {
    const engine = fakeEngine();
    const autosave = new AnswerAutosave({ save: engine.save, onState: (q, s) => states.push([q, s]) });
    autosave.change('q4', 'one');
    const flushed = autosave.flush('q4');
    expect(engine.calls).toHaveLength(1);
    autosave.change('q4', 'one two');
    await vi.advanceTimersByTimeAsync(300);
    expect(engine.calls).toHaveLength(1); // still in flight: no second request yet
    engine.succeed(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(engine.calls.map((c) => c.input.value)).toEqual(['one', 'one two']);
    expect(lastState()).toEqual({ kind: 'saving' });
    engine.succeed(1);
    await flushed;
    await vi.advanceTimersByTimeAsync(0);
    expect(lastState()?.kind).toBe('saved');
    expect(autosave.unsaved()).toEqual([]);
  });

  test('a failed save reports why, keeps the value and retries with growing delays until it lands', async () => {
    const engine = fakeEngine();
    const autosave = new AnswerAutosave({ save: engine.save, onState: (q, s) => states.push([q, s]), retryBaseMs: 1000 });
    autosave.change('q3', 'kept');
    void autosave.flush('q3');
    engine.fail(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(lastState()).toEqual({ kind: 'failed', reason: 'disk says no (storage_failed)', retryInMs: 1000 });
    expect(autosave.unsaved()).toEqual(['q3']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(engine.calls).toHaveLength(2);
    engine.fail(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(lastState()).toMatchObject({ kind: 'failed', retryInMs: 2000 });
    await vi.advanceTimersByTimeAsync(1999);
    expect(engine.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(engine.calls[2]!.input).toEqual({ questionId: 'q3', value: 'kept' });
    engine.succeed(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(lastState()?.kind).toBe('saved');
  });

  test('a refusal that retrying cannot fix (exam already submitted) is shown without retries', async () => {
    const engine = fakeEngine();
    const autosave = new AnswerAutosave({ save: engine.save, onState: (q, s) => states.push([q, s]) });
    autosave.change('q3', 'late');
    void autosave.flush('q3');
    engine.fail(0, 'session_submitted');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(engine.calls).toHaveLength(1);
    expect(lastState()).toMatchObject({ kind: 'failed', retryInMs: null });
  });

  test('a bridge that throws is reported as a failure, not thrown; flushAll says not everything is saved', async () => {
    const autosave = new AnswerAutosave({
      save: () => Promise.reject(new Error('target closed')),
      onState: (q, s) => states.push([q, s]),
    });
    autosave.change('q1', 'b');
    await expect(autosave.flushAll()).resolves.toBe(false);
    expect(lastState()).toMatchObject({ kind: 'failed', reason: expect.stringContaining('target closed') });
    autosave.dispose();
  });

  test('a save refused as too fast is resent shortly, shown as saving, never as failed', async () => {
    const engine = fakeEngine();
    const autosave = new AnswerAutosave({ save: engine.save, onState: (q, s) => states.push([q, s]) });
    autosave.change('q4', 'typed text');
    const flushed = autosave.flush('q4');
    engine.fail(0, 'too_fast');
    await flushed;
    await vi.advanceTimersByTimeAsync(249);
    expect(engine.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(engine.calls.map((c) => c.input.value)).toEqual(['typed text', 'typed text']);
    engine.succeed(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(states.map(([, s]) => s.kind)).not.toContain('failed');
    expect(lastState()?.kind).toBe('saved');
    expect(autosave.unsaved()).toEqual([]);
  });
});
