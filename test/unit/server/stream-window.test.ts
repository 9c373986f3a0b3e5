import { describe, expect, it } from 'vitest';
import { INACTIVE_AFTER_MS, StreamWindow } from '../../../src-server/stream-window';

describe('StreamWindow (seed events -> one window summary)', () => {
  it('dwell and flight from press/release times, their spread, mouse speed in px/s', () => {
    const w = new StreamWindow(0);
    w.key(100, 80, null, 1080, 1000);
    w.key(200, 100, null, 1300, 1200); // flight 1200 - 1080 = 120
    w.key(300, 90, null, 1500, 1410); // flight 1410 - 1300 = 110
    w.mouse(400, 0, 0, 0);
    w.mouse(500, 30, 40, 100); // 50 px in 100 ms = 500 px/s
    const s = w.close(5000);
    expect(s).toMatchObject({ windowMs: 5000, keystrokeCount: 3, meanDwellMs: 90, meanFlightMs: 115, mouseMoveCount: 2, meanMouseSpeed: 500, focusLosses: 0 });
    expect(s.stdDwellMs).toBeCloseTo(10, 6);
    expect(s.stdFlightMs).toBeCloseTo(Math.sqrt(50), 6);
    // The tail from the last input (500) to the end (5000) is a pause longer than INACTIVE_AFTER_MS.
    expect(s.inactivityMs).toBe(4500);
  });

  it('counts pauses only past the threshold, and starts fresh after close', () => {
    const w = new StreamWindow(0);
    w.key(INACTIVE_AFTER_MS - 1, 80, 100, null, null);
    w.key(INACTIVE_AFTER_MS + 4000, 80, 100, null, null);
    expect(w.close(INACTIVE_AFTER_MS + 4500).inactivityMs).toBe(4001);
    const next = w.close(INACTIVE_AFTER_MS + 5000);
    expect(next).toMatchObject({ windowMs: 500, keystrokeCount: 0, meanDwellMs: 0, inactivityMs: 0 });
  });

  it('a focus loss counts once until focus returns; time away carries into the next window', () => {
    const w = new StreamWindow(0);
    expect(w.focus(1000, false)).toBe(true);
    expect(w.focus(1500, false)).toBe(false);
    w.clipboard('copy');
    w.clipboard('paste');
    expect(w.close(5000)).toMatchObject({ focusLosses: 1, unfocusedMs: 4000, copyEvents: 1, pasteEvents: 1, externalPasteEvents: 0 });
    w.focus(6000, true);
    expect(w.close(10000)).toMatchObject({ focusLosses: 0, unfocusedMs: 1000 });
  });
});
