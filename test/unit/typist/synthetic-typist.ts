import type { KeystrokeSample } from '../../../src-main/contract/activity';

/** Deterministic PRNG (mulberry32), so synthetic typists are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * A synthetic typist: a per-zone dwell and a per-zone-pair latency drawn once from the
 * typist's seed (their rhythm), then per-keystroke noise. The key sequence is shared text
 * statistics (same for every typist), so only rhythm tells typists apart.
 */
export interface SyntheticTypist {
  type(keystrokes: number, textSeed: number, startMs?: number): KeystrokeSample[];
}

const ZONES = [
  { category: 'letter', zone: 1 }, { category: 'letter', zone: 2 }, { category: 'letter', zone: 3 },
  { category: 'letter', zone: 4 }, { category: 'letter', zone: 5 }, { category: 'letter', zone: 6 },
  { category: 'letter', zone: 7 }, { category: 'letter', zone: 8 }, { category: 'space', zone: 9 },
  { category: 'backspace', zone: 13 }, { category: 'modifier', zone: 14 },
] as const;
const FREQ = [8, 7, 14, 9, 10, 9, 6, 15, 18, 2, 2];

export function syntheticTypist(seed: number, speed = 1): SyntheticTypist {
  const r = prng(seed);
  const dwell = ZONES.map(() => (70 + 60 * r()) * speed);
  const latency = ZONES.map(() => ZONES.map(() => (120 + 160 * r()) * speed));
  return {
    type(keystrokes, textSeed, startMs = 1_000_000) {
      const text = prng(textSeed);
      const noise = prng(seed * 7919 + textSeed);
      const total = FREQ.reduce((a, b) => a + b, 0);
      const out: KeystrokeSample[] = [];
      let t = startMs;
      let prev = -1;
      for (let i = 0; i < keystrokes; i++) {
        let pick = text() * total;
        let z = 0;
        while (pick >= FREQ[z]!) pick -= FREQ[z++]!;
        if (prev >= 0) t += Math.max(15, latency[prev]![z]! * (1 + 0.18 * gaussian(noise)));
        const hold = Math.max(10, dwell[z]! * (1 + 0.15 * gaussian(noise)));
        out.push({ category: ZONES[z]!.category, zone: ZONES[z]!.zone, down: t, up: t + hold });
        prev = z;
      }
      return out;
    },
  };
}
