import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** The keystroke development set lives beside the repository, never inside it. */
export const DEV_DATA =
  process.env.VIGIL_KEYSTROKE_DATA ??
  resolve(fileURLToPath(new URL('.', import.meta.url)), '../../shared/data/keystroke/aalto-dev.jsonl.gz');

export function devDataAvailable(): boolean {
  const present = existsSync(DEV_DATA);
  if (!present) console.log(`skipping: keystroke dev data not found at ${DEV_DATA} (set VIGIL_KEYSTROKE_DATA)`);
  return present;
}
