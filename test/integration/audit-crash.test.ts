import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/audit-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-crash-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('answers saved before a SIGKILL are all there after reopening, and the chain verifies', async () => {
  const file = join(dir, 'attempt.db');
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures/audit-crash-writer.ts'), file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let errText = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (errText += d.toString()));
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
  expect(errText).toBe('');
  expect(signal).toBe('SIGKILL');
  expect(out).toContain('done');

  // The -wal file was never checkpointed by a clean close; SQLite recovers it on open.
  const store = AuditStore.open(file);
  const answers = store.answers();
  expect(answers).toHaveLength(5);
  // Saves 46..50 were the last one for each of q1..q4,q0.
  for (const a of answers) {
    const last = 45 + ((Number(a.questionId.slice(1)) + 4) % 5) + 1;
    expect(a.value).toBe(`answer ${last} ${'x'.repeat(last * 20)}`);
    expect(a.revision).toBe(10);
  }
  expect(store.verify()).toEqual({ ok: true, rows: 50 });
  store.close();
});
