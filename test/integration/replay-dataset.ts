import { existsSync } from 'node:fs';
import { parseKeyRecord, readLines, ReplaySession, type KeyRecord, type ReplayLine, type ReplaySummary } from '../../src-main/cli/replay';
import type { FlagFile } from '../../src-main/contract/flag-file';
import type { Policy } from '../../src-main/contract/policy';

import { DEV_DATA } from '../dev-data';

export { DEV_DATA };
export const devDataMissing = (): string | null =>
  existsSync(DEV_DATA) ? null : `development data not found at ${DEV_DATA} (set VIGIL_KEYSTROKE_DATA)`;

/** Every user's keystrokes in recorded order. */
export async function loadUsers(path = DEV_DATA): Promise<Map<string, KeyRecord[]>> {
  const users = new Map<string, KeyRecord[]>();
  for await (const line of readLines(path)) {
    const r = parseKeyRecord(line);
    if (typeof r === 'string') continue;
    const u = r.user ?? '';
    let list = users.get(u);
    if (!list) users.set(u, (list = []));
    list.push(r);
  }
  return users;
}

export function replayRecords(
  records: readonly KeyRecord[],
  policy?: Policy,
): { lines: ReplayLine[]; summary: ReplaySummary; flagFiles: readonly FlagFile[] } {
  const lines: ReplayLine[] = [];
  const s = new ReplaySession((l) => lines.push(l), policy);
  for (const r of records) s.push(r);
  const summary = s.finish();
  return { lines, summary, flagFiles: s.recentFlags() };
}

/**
 * A session whose typist is swapped halfway: the first half of A's keystrokes, then the
 * second half of B's, shifted in time to follow A after a short pause.
 */
export function swappedSession(a: readonly KeyRecord[], b: readonly KeyRecord[], pauseMs = 2_000): { records: KeyRecord[]; swapAt: number } {
  const first = a.slice(0, Math.floor(a.length / 2));
  const second = b.slice(Math.floor(b.length / 2));
  const lastA = first.reduce((m, r) => Math.max(m, r.up), Number.NEGATIVE_INFINITY);
  const shift = lastA + pauseMs - second[0]!.down;
  const records = [
    ...first,
    ...second.map((r) => ({ ...r, user: first[0]!.user, down: r.down + shift, up: r.up + shift })),
  ];
  return { records, swapAt: second[0]!.down + shift };
}

/** Keystrokes of the new typist pressed before time t (the delay until detection). */
export function keysAfterSwapBefore(records: readonly KeyRecord[], swapAt: number, t: number): number {
  let n = 0;
  for (const r of records) if (r.down >= swapAt && r.down < t) n++;
  return n;
}
