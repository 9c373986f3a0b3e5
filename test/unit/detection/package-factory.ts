import type { ActivityPackage, KeystrokeSample } from '../../../src-main/contract/activity';
import { seededRandom } from '../../seeded-random';

export const rng = seededRandom;

/** Human-like keystrokes: press intervals around `interval` ms with real spread. */
export function humanKeys(start: number, n: number, rand: () => number, interval = 180, dwell = 95): KeystrokeSample[] {
  const out: KeystrokeSample[] = [];
  let t = start;
  for (let i = 0; i < n; i++) {
    const d = dwell * (0.7 + 0.6 * rand());
    out.push({ category: rand() < 0.18 ? 'space' : 'letter', zone: 1 + Math.floor(rand() * 8), down: t, up: t + d });
    t += interval * (0.45 + 1.1 * rand());
  }
  return out;
}

/** Scripted keystrokes: a metronome. */
export function robotKeys(start: number, n: number, interval = 40, dwell = 10): KeystrokeSample[] {
  return Array.from({ length: n }, (_, i) => ({ category: 'letter' as const, zone: 3, down: start + i * interval, up: start + i * interval + dwell }));
}

export function makePackage(seq: number, overrides: Partial<ActivityPackage> = {}, windowMs = 5000): ActivityPackage {
  const startedAt = 1_000_000 + seq * windowMs;
  const keystrokes = overrides.keystrokes ?? [];
  return {
    schemaVersion: 1,
    sessionId: 's1',
    sequence: seq,
    startedAt,
    endedAt: startedAt + windowMs,
    keystrokeCount: keystrokes.length,
    meanDwellMs: 95,
    stdDwellMs: 20,
    meanFlightMs: 90,
    stdFlightMs: 50,
    backspaceRatio: 0.05,
    meanMouseSpeed: 300,
    mouseMoveCount: 20,
    inactivityMs: 500,
    focusLosses: 0,
    unfocusedMs: 0,
    copyEvents: 0,
    pasteEvents: 0,
    externalPasteEvents: 0,
    cpuLoadPercent: 20,
    netRxBytesPerSec: 2000,
    netTxBytesPerSec: 500,
    ...overrides,
    keystrokes,
  };
}

/** An honest session: `n` packages of ordinary typing with small natural variation. */
export function honestPackages(n: number, seed = 1, windowMs = 5000): ActivityPackage[] {
  const rand = rng(seed);
  const out: ActivityPackage[] = [];
  for (let i = 0; i < n; i++) {
    const start = 1_000_000 + i * windowMs;
    const keys = humanKeys(start, 20 + Math.floor(rand() * 10), rand);
    out.push(
      makePackage(i, {
        keystrokes: keys,
        keystrokeCount: keys.length,
        backspaceRatio: 0.03 + 0.05 * rand(),
        stdFlightMs: 40 + 25 * rand(),
        meanMouseSpeed: 250 + 120 * rand(),
        cpuLoadPercent: 15 + 10 * rand(),
        netRxBytesPerSec: 1500 + 1500 * rand(),
        netTxBytesPerSec: 300 + 400 * rand(),
      }, windowMs),
    );
  }
  return out;
}
