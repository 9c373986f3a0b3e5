import Ajv2020 from 'ajv/dist/2020';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyRecord } from '../../src-main/cli/replay';
import { flagFileJsonSchema } from '../../src-main/contract/flag-file';
import { devDataMissing, keysAfterSwapBefore, loadUsers, replayRecords, swappedSession } from './replay-dataset';

/**
 * Fairness on the 280 development typists: honest full sessions rarely raise
 * biometric_drift and never reach auto-submit; a typist swapped halfway is caught, and the
 * delay in keystrokes is reported. Figures are printed for the closing report.
 */
const missing = devDataMissing();
if (missing) console.warn(`replay-fairness: skipped: ${missing}`);

describe.skipIf(missing !== null)('replay fairness on the development data', () => {
  let users: Map<string, KeyRecord[]>;
  let ids: string[];
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(flagFileJsonSchema());

  beforeAll(async () => {
    users = await loadUsers();
    ids = [...users.keys()];
  }, 60_000);

  it('honest typists: biometric_drift in few sessions, never auto-submitted', () => {
    let drift = 0;
    let flagged = 0;
    let maxRisk = 0;
    const byHalf = [0, 0];
    for (const [i, id] of ids.entries()) {
      const { summary, flagFiles } = replayRecords(users.get(id)!);
      if (summary.patternCounts.biometric_drift) {
        drift++;
        byHalf[i % 2]!++;
      }
      if (summary.flags > 0) flagged++;
      maxRisk = Math.max(maxRisk, summary.maxRisk);
      expect(summary.autoSubmitted, `user ${id}`).toBe(false);
      for (const f of flagFiles) expect(validate(f), JSON.stringify(validate.errors)).toBe(true);
    }
    const fraction = drift / ids.length;
    console.log(
      `[fairness] honest sessions raising biometric_drift: ${drift}/${ids.length} = ${(fraction * 100).toFixed(1)}%; ` +
        `sessions with any flag: ${flagged}; highest session risk: ${maxRisk}; ` +
        `by alternate halves of the users (the alarm level was tuned on all of them): ${byHalf[0]}/140 and ${byHalf[1]}/140`,
    );
    expect(ids.length).toBe(280);
    expect(fraction).toBeLessThanOrEqual(0.03);
    expect(maxRisk).toBeLessThan(100);
  }, 120_000);

  it('a typist swapped halfway raises biometric_drift after the swap; the delay is reported', () => {
    const delays: number[] = [];
    const caughtByHalf = [0, 0];
    let before = 0;
    for (let i = 0; i < ids.length; i++) {
      const a = users.get(ids[i]!)!;
      const b = users.get(ids[(i + 1) % ids.length]!)!;
      const { records, swapAt } = swappedSession(a, b);
      const { lines, flagFiles } = replayRecords(records);
      const first = lines.find((l) => l.patterns.includes('biometric_drift'));
      for (const f of flagFiles) expect(validate(f), JSON.stringify(validate.errors)).toBe(true);
      if (!first) continue;
      if (first.t <= swapAt) {
        before++;
        continue;
      }
      delays.push(keysAfterSwapBefore(records, swapAt, first.t));
      caughtByHalf[i % 2]!++;
    }
    delays.sort((x, y) => x - y);
    const q = (p: number) => delays[Math.min(delays.length - 1, Math.floor(p * delays.length))]!;
    const rate = delays.length / ids.length;
    console.log(
      `[fairness] swapped sessions caught after the swap: ${delays.length}/${ids.length} = ${(rate * 100).toFixed(1)}%; ` +
        `delay in keystrokes of the new typist: median ${q(0.5)}, p90 ${q(0.9)}, max ${delays.at(-1)}; ` +
        `fired before the swap: ${before}; caught by alternate halves: ${caughtByHalf[0]}/140 and ${caughtByHalf[1]}/140`,
    );
    expect(rate).toBeGreaterThanOrEqual(0.8);
    expect(q(0.5)).toBeLessThanOrEqual(150);
  }, 180_000);
});
