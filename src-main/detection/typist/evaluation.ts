import { equalErrorRate, fractionAbove } from './equal-error-rate';
import type { TimedKey } from './timing-events';

/**
 * The typist model's evaluation protocol, free of I/O so it is testable and deterministic.
 *
 * Per user: enrol on the first windows (sentences) until at least `enrollKeys` keystrokes;
 * the rest of the user's typing, in order, is cut into non-overlapping probes of L keys
 * (genuine). Impostor probes for that user are the first L-key probe of every other user in
 * the same group. Users are split into two groups by a hash of their id, so a design can be
 * tuned on one group and reported on the other. EER is pooled over all users of a group
 * (one global threshold, as deployed).
 */
export interface UserTyping {
  user: string;
  /** Windows in typing order, keys in each window in order. */
  windows: TimedKey[][];
}

export interface ModelUnderTest<P> {
  enroll(keys: readonly TimedKey[]): P;
  score(profile: P, keys: readonly TimedKey[]): number;
}

export interface EvalOptions {
  enrollKeys: number;
  lengths: readonly number[];
  /** Decision threshold whose error rates are reported next to the EER. */
  threshold: number;
}

export interface LengthResult {
  length: number;
  eer: number;
  eerThreshold: number;
  genuine: number;
  impostor: number;
  /** Genuine probes scored above the decision threshold (false flags). */
  falseRejectAtThreshold: number;
  /** Impostor probes at or below the decision threshold (missed impersonations). */
  falseAcceptAtThreshold: number;
}

export interface GroupResult {
  group: string;
  users: number;
  results: LengthResult[];
  genuineScores: Map<number, number[]>;
}

/** Stable split of user ids into 'A' (tune) and 'B' (report). */
export function userGroup(user: string): 'A' | 'B' {
  let h = 0x811c9dc5;
  for (let i = 0; i < user.length; i++) {
    h ^= user.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 2 === 0 ? 'A' : 'B';
}

interface Prepared<P> {
  user: string;
  profile: P;
  probes: Map<number, TimedKey[][]>;
}

export function evaluateGroup<P>(
  group: string,
  users: readonly UserTyping[],
  model: ModelUnderTest<P>,
  options: EvalOptions,
): GroupResult {
  const prepared: Prepared<P>[] = [];
  for (const u of users) {
    const enrollment: TimedKey[] = [];
    let w = 0;
    while (w < u.windows.length && enrollment.length < options.enrollKeys) enrollment.push(...u.windows[w++]!);
    const rest = u.windows.slice(w).flat();
    if (enrollment.length < options.enrollKeys || rest.length === 0) continue;
    const probes = new Map<number, TimedKey[][]>();
    for (const length of options.lengths) {
      const chunks: TimedKey[][] = [];
      for (let i = 0; i + length <= rest.length; i += length) chunks.push(rest.slice(i, i + length));
      probes.set(length, chunks);
    }
    prepared.push({ user: u.user, profile: model.enroll(enrollment), probes });
  }
  const results: LengthResult[] = [];
  const genuineScores = new Map<number, number[]>();
  for (const length of options.lengths) {
    const genuine: number[] = [];
    const impostor: number[] = [];
    for (const target of prepared) {
      for (const probe of target.probes.get(length) ?? []) genuine.push(model.score(target.profile, probe));
      for (const other of prepared) {
        if (other === target) continue;
        const probe = other.probes.get(length)?.[0];
        if (probe) impostor.push(model.score(target.profile, probe));
      }
    }
    const { eer, threshold } = equalErrorRate(genuine, impostor);
    genuineScores.set(length, genuine);
    results.push({
      length,
      eer,
      eerThreshold: threshold,
      genuine: genuine.length,
      impostor: impostor.length,
      falseRejectAtThreshold: fractionAbove(genuine, options.threshold),
      falseAcceptAtThreshold: 1 - fractionAbove(impostor, options.threshold),
    });
  }
  return { group, users: prepared.length, results, genuineScores };
}

export function evaluateSplit<P>(
  users: readonly UserTyping[],
  model: ModelUnderTest<P>,
  options: EvalOptions,
): GroupResult[] {
  const a = users.filter((u) => userGroup(u.user) === 'A');
  const b = users.filter((u) => userGroup(u.user) === 'B');
  return [evaluateGroup('A (tune)', a, model, options), evaluateGroup('B (report)', b, model, options)];
}
