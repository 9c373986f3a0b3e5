import { describe, expect, it } from 'vitest';
import { LiveScorer, type WindowSummary } from '../../../src-server/live-scorer';

const quiet: WindowSummary = {
  windowMs: 5000, keystrokeCount: 30, meanDwellMs: 90, stdDwellMs: 15, meanFlightMs: 120, stdFlightMs: 40, backspaceRatio: null,
  mouseMoveCount: 20, meanMouseSpeed: 300, inactivityMs: 0, focusLosses: 0, unfocusedMs: 0, copyEvents: 0, pasteEvents: 0, externalPasteEvents: 0,
};

describe('LiveScorer', () => {
  it('keeps a bounded number of subjects, forgetting the least recently scored', () => {
    const s = new LiveScorer({ maxSubjects: 2, now: () => 1_000_000 });
    s.score('a', quiet);
    s.score('b', quiet);
    s.score('a', quiet);
    s.score('c', quiet);
    expect(s.size).toBe(2);
    expect(s.state('b')).toBeNull();
    expect(s.state('a')).not.toBeNull();
    // A forgotten subject starts again from its first window.
    expect(s.score('b', quiet).sequence).toBe(0);
  });

  it('windows sent in a burst still advance one window each on the subject timeline', () => {
    const s = new LiveScorer({ now: () => 1_000_000 });
    const w = [s.score('x', quiet), s.score('x', quiet), s.score('x', quiet)].map((r) => r.window);
    expect(w.map((x) => x.endedAt)).toEqual([1_000_000, 1_005_000, 1_010_000]);
    expect(w.every((x) => x.endedAt - x.startedAt === 5000)).toBe(true);
  });

  it('focus losses count once: in the window (predict) or at once (stream), not both', () => {
    const predict = new LiveScorer({ now: () => 1_000_000 });
    expect(predict.score('p', { ...quiet, focusLosses: 1 }).risk.score).toBe(20);
    const stream = new LiveScorer({ now: () => 1_000_000 });
    expect(stream.integrity('s', 'focus_lost', 'page').risk.score).toBe(20);
    expect(stream.score('s', { ...quiet, focusLosses: 1 }, true).risk.score).toBe(20);
  });

  it('is deterministic: the same windows give the same scores', () => {
    const run = () => {
      const s = new LiveScorer({ now: () => 5_000_000 });
      return [0, 1, 0, 3, 0, 2].map((f) => s.score('d', { ...quiet, focusLosses: f, inactivityMs: f * 1000 }).risk.score);
    };
    expect(run()).toEqual(run());
  });
});
