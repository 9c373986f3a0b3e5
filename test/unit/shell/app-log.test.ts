import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
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

  it('rotates, keeping the files together under (keep + 1) x the file limit', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-log-'));
    const file = path.join(dir, 'vigil.log');
    const limits = { maxFileBytes: 1000, keepFiles: 3 };
    const log = createAppLog(file, () => {}, limits);
    for (let i = 0; i < 2000; i++) log(`line ${i} ${'x'.repeat(i % 50)}`);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['vigil.log', 'vigil.log.1', 'vigil.log.2', 'vigil.log.3']);
    const total = files.reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
    expect(total).toBeLessThanOrEqual((limits.keepFiles + 1) * limits.maxFileBytes);
    for (const f of files) expect(statSync(path.join(dir, f)).size).toBeLessThanOrEqual(limits.maxFileBytes);
    // Newest lines are in the current file, the ones just before them in .1: nothing in between lost.
    const current = readFileSync(file, 'utf8').trim().split('\n');
    expect(current.at(-1)).toMatch(/ line 1999 /);
    const previous = readFileSync(`${file}.1`, 'utf8').trim().split('\n');
    const firstCurrent = Number(/ line (\d+) /.exec(current[0]!)![1]);
    expect(previous.at(-1)).toMatch(new RegExp(` line ${firstCurrent - 1} `));
  });

  it('carries on the size of a file left by an earlier run, and cuts a line longer than a file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-log-'));
    const file = path.join(dir, 'vigil.log');
    writeFileSync(file, 'y'.repeat(990));
    const log = createAppLog(file, () => {}, { maxFileBytes: 1000, keepFiles: 1 });
    log('next');
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('y'.repeat(990));
    log('é'.repeat(5000));
    expect(statSync(file).size).toBeLessThanOrEqual(1000);
    expect(readFileSync(file, 'utf8')).toMatch(/é \[cut: line longer than the log file limit\]\n$/);
  });
});

