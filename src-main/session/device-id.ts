import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const DEVICE_ID_FILE = 'device-id';
const VALID = /^[0-9a-f-]{36}$/;

/**
 * This computer's id for the exam server: a random UUID kept in the data folder, so two
 * registrations from one machine show as one device and a reinstall elsewhere as another.
 * Not a secret and not a fingerprint: it carries nothing about the hardware. A missing or
 * unreadable file gets a new id (the server then sees a new device, which is the truth as
 * far as this folder knows).
 */
export function deviceId(dataDir: string): string {
  const file = path.join(dataDir, DEVICE_ID_FILE);
  try {
    const stored = readFileSync(file, 'utf8').trim();
    if (VALID.test(stored)) return stored;
  } catch {
    // absent: made below
  }
  const id = randomUUID();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${id}\n`, { mode: 0o600 });
  return id;
}
