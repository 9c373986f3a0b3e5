import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-'));

/** Two sentences of plausible typing, 8 s apart, then one scripted burst. */
function lines(): string[] {
  const out: string[] = [];
  let t = 1_000_000;
  const keys = ['t', 'h', 'e', 'space', 'shift', 'q', 'u', 'i', 'c', 'k', 'period', 'bksp'];
  for (let i = 0; i < 120; i++) {
    const gap = i === 60 ? 8000 : 120 + ((i * 37) % 140);
    t += gap;
    out.push(JSON.stringify({ user: '7', window: String(Math.floor(i / 60)), key: keys[i % keys.length], down: t, up: t + 70 + ((i * 13) % 50) }));
  }
  return out;
}

async function replay(file: string, nodeArgs: string[] = []): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...nodeArgs, '--import', 'tsx', 'src-main/cli/replay.ts', file], { cwd: process.cwd() });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const x = e as { stdout: string; stderr: string; code: number };
    return { stdout: x.stdout, stderr: x.stderr, code: x.code };
  }
}

describe('npm run replay', () => {
  it('prints one JSON line per package, then the summary (plain and gzip give the same output)', async () => {
    const text = lines().join('\n') + '\n';
    const plain = join(dir, 'events.jsonl');
    const gz = join(dir, 'events.jsonl.gz');
    writeFileSync(plain, text);
    writeFileSync(gz, gzipSync(text));
    const a = await replay(plain);
    const b = await replay(gz);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const out = a.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const summary = out.pop().summary;
    expect(out.length).toBeGreaterThan(4);
    let prev = 0;
    for (const l of out) {
      expect(Object.keys(l).sort()).toEqual(['level', 'patterns', 'probability', 'sessionRisk', 't']);
      expect(l.t - prev === 5000 || prev === 0).toBe(true);
      prev = l.t;
      expect(l.probability).toBeGreaterThanOrEqual(0);
      expect(Array.isArray(l.patterns)).toBe(true);
    }
    expect(summary).toMatchObject({ packages: out.length, keystrokes: 120, users: 1, skippedLines: 0, autoSubmitted: false, flags: 0 });
    expect(typeof summary.maxRisk).toBe('number');
  }, 60_000);

  it('skips malformed lines with a reason and still summarises', async () => {
    const bad = [...lines().slice(0, 30), 'not json', '{"key":"a","down":5}', '{"key":"a","down":9e15,"up":1}', ...lines().slice(30)];
    const f = join(dir, 'bad.jsonl');
    writeFileSync(f, bad.join('\n'));
    const r = await replay(f);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!).summary;
    expect(summary.skippedLines).toBe(3);
    expect(summary.keystrokes).toBe(120);
    expect(r.stderr).toMatch(/skipped 3 malformed line\(s\); first: line 31: not JSON/);
  }, 60_000);

  it('keeps a count, not a list, of malformed lines: memory does not grow with them', async () => {
    const f = join(dir, 'junk.jsonl');
    writeFileSync(f, `${lines().join('\n')}\n${'x\n'.repeat(1_500_000)}`);
    const r = await replay(f, ['--max-old-space-size=48']);
    expect(r.code, r.stderr.slice(0, 300)).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!).summary.skippedLines).toBe(1_500_000);
    expect(r.stderr).toMatch(/skipped 1500000 malformed line\(s\); first: line 121: not JSON/);
  }, 60_000);

  it('says clearly when the file cannot be read', async () => {
    const r = await replay(join(dir, 'nope.jsonl'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(`replay: cannot read ${join(dir, 'nope.jsonl')}: no such file`);
  }, 60_000);

  it('says so when a .gz file is corrupt, after printing nothing half-read as a summary', async () => {
    const f = join(dir, 'broken.jsonl.gz');
    writeFileSync(f, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('definitely not deflate')]));
    const r = await replay(f);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/summary/);
    expect(r.stderr.trim()).toBe(`replay: cannot read ${f}: corrupt gzip data`);
  }, 60_000);
});
