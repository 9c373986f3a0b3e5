import { classifyKeyName } from '../../../src-main/capture/key-classes';
import type { KeystrokeSample } from '../../../src-main/contract/activity';
import { seededRandom } from '../../seeded-random';

export const prng = seededRandom;

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * A synthetic typist: a per-key dwell and a per-key-pair latency drawn once from the
 * typist's seed (their rhythm), then per-keystroke noise. The key sequence follows shared
 * text statistics (same for every typist), so only rhythm tells typists apart. Keys pass
 * the real capture boundary (classifyKeyName), so the model sees what it sees in use.
 */
export interface TypedKey {
  key: string;
  down: number;
  up: number;
}

export interface SyntheticTypist {
  typeKeys(keystrokes: number, textSeed: number, startMs?: number): TypedKey[];
  type(keystrokes: number, textSeed: number, startMs?: number): KeystrokeSample[];
}

const KEYS = ['a', 's', 'e', 'r', 't', 'h', 'u', 'o', 'space', 'bksp', 'shift'];
const FREQ = [8, 7, 14, 9, 10, 9, 6, 15, 18, 2, 2];

/** `speed` scales latencies (higher = slower), `hold` scales how long keys are held. */
export function syntheticTypist(seed: number, speed = 1, hold = 1): SyntheticTypist {
  const r = prng(seed);
  const dwell = KEYS.map(() => (70 + 60 * r()) * hold);
  const latency = KEYS.map(() => KEYS.map(() => (120 + 160 * r()) * speed));
  const typeKeys = (keystrokes: number, textSeed: number, startMs = 1_000_000): TypedKey[] => {
    const text = prng(textSeed);
    const noise = prng(seed * 7919 + textSeed);
    const total = FREQ.reduce((a, b) => a + b, 0);
    const out: TypedKey[] = [];
    let t = startMs;
    let prev = -1;
    for (let i = 0; i < keystrokes; i++) {
      let pick = text() * total;
      let k = 0;
      while (pick >= FREQ[k]!) pick -= FREQ[k++]!;
      if (prev >= 0) t += Math.max(15, latency[prev]![k]! * (1 + 0.18 * gaussian(noise)));
      const hold = Math.max(10, dwell[k]! * (1 + 0.15 * gaussian(noise)));
      out.push({ key: KEYS[k]!, down: t, up: t + hold });
      prev = k;
    }
    return out;
  };
  return {
    typeKeys,
    type: (keystrokes, textSeed, startMs) =>
      typeKeys(keystrokes, textSeed, startMs).map(({ key, down, up }) => ({ ...classifyKeyName(key), down, up })),
  };
}
