import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Recorded /proc, DMI and xrandr text (test/unit/capture/fixtures/integrity). */
export const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../fixtures/integrity', name), 'utf8');
