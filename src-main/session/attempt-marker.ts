import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * A small file beside the attempt's database that remembers the attempt outside it: its
 * session, start, highest score and last head. Deleting or rolling back the database then
 * does not start a fresh attempt unnoticed. It is only as strong as the student's care:
 * deleting both leaves the client nothing to compare with (the exam server still knows the
 * session); docs/trust.md says so.
 */
export interface AttemptMarker {
  sessionId: string;
  startedAt: number;
  maxScore: number;
  head: { seq: number; hash: string } | null;
}

export const markerFile = (databaseFile: string): string => `${databaseFile}.marker.json`;

/** The marker, or null when there is none or it cannot be read (a damaged marker is not evidence either way). */
export function readMarker(databaseFile: string): AttemptMarker | null {
  let text: string;
  try {
    text = readFileSync(markerFile(databaseFile), 'utf8');
  } catch {
    return null;
  }
  try {
    const m = JSON.parse(text) as Partial<AttemptMarker>;
    if (typeof m.sessionId !== 'string' || typeof m.startedAt !== 'number' || typeof m.maxScore !== 'number') return null;
    const head = m.head && typeof m.head.seq === 'number' && typeof m.head.hash === 'string' ? { seq: m.head.seq, hash: m.head.hash } : null;
    return { sessionId: m.sessionId, startedAt: m.startedAt, maxScore: m.maxScore, head };
  } catch {
    return null;
  }
}

/** Replaces the marker atomically (write then rename), so a crash leaves the old or the new one. */
export function writeMarker(databaseFile: string, marker: AttemptMarker): void {
  const target = markerFile(databaseFile);
  const temp = `${target}.tmp`;
  writeFileSync(temp, `${JSON.stringify(marker)}\n`, { mode: 0o600 });
  renameSync(temp, target);
}
