import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppLog } from '../../../src-main/shell/app-log';

describe('createAppLog', () => {
  it('writes timestamped lines to stderr and appends them to the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-log-'));
    const file = path.join(dir, 'nested', 'vigil.log');
    const out: string[] = [];
    const log = createAppLog(file, (s) => out.push(s));
    log('one');
    log('two');
    expect(log.file).toBe(file);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z one$/);
    expect(out.join('')).toBe(readFileSync(file, 'utf8'));
  });

  it('falls back to stderr only, saying so once, when the file cannot be written', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-log-'));
    const blocker = path.join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const out: string[] = [];
    const log = createAppLog(path.join(blocker, 'vigil.log'), (s) => out.push(s));
    log('still here');
    log('and here');
    expect(log.file).toBeNull();
    expect(out.filter((s) => s.startsWith('vigil: cannot'))).toHaveLength(1);
    expect(out.filter((s) => s.includes('still here') || s.includes('and here'))).toHaveLength(2);
  });
});
