import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticTypist, type TypedKey } from './synthetic-typist';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const dir = mkdtempSync(join(tmpdir(), 'vigil-typist-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rows(keys: TypedKey[], user: string, window: string): string[] {
  return keys.map(({ key, down, up }) => JSON.stringify({ user, window, key, down, up }));
}

function typist(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync('npm', ['run', '--silent', 'typist', '--', ...args], { cwd: ROOT, encoding: 'utf8', env });
}

describe('typist CLI', () => {
  const alice = syntheticTypist(1);
  const bob = syntheticTypist(2, 1.15, 0.8);
  const enroll = join(dir, 'enroll.jsonl');
  writeFileSync(enroll, `${rows(alice.typeKeys(400, 1), 'alice', '1').join('\n')}\n`);
  // Window ids deliberately not sorted; the user field is noise and must be ignored.
  const probe = join(dir, 'probe.jsonl.gz');
  const probeLines = [
    ...rows(bob.typeKeys(120, 2, 9_000_000), 'alice', 'w9'),
    ...rows(alice.typeKeys(120, 3, 8_000_000), 'bob', 'w10'),
    ...rows(alice.typeKeys(1, 4, 7_000_000), 'x', 'tiny'),
  ];
  writeFileSync(probe, gzipSync(`${probeLines.join('\n')}\n`));

  it('prints one {"window","score"} line per probe window, in input order, nothing else', () => {
    const r = typist(['score', '--enroll', enroll, '--probe', probe]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const parsed = lines.map((l) => JSON.parse(l) as { window: string; score: number });
    expect(parsed.map((p) => p.window)).toEqual(['w9', 'w10', 'tiny']);
    for (const [i, p] of parsed.entries()) {
      expect(Object.keys(p)).toEqual(['window', 'score']);
      expect(Number.isFinite(p.score)).toBe(true);
      expect(lines[i]).toBe(JSON.stringify(p));
    }
    // The impostor window scores higher than the enrolled typist's own.
    expect(parsed[0]!.score).toBeGreaterThan(parsed[1]!.score);
  });

  it('fails clearly on a missing argument', () => {
    const r = typist(['score', '--enroll', enroll]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--probe/);
  });

  it('fails clearly on a missing file', () => {
    const r = typist(['score', '--enroll', join(dir, 'nope.jsonl'), '--probe', probe]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/nope\.jsonl/);
  });

  it('names the line of a bad row', () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${rows(alice.typeKeys(2, 5), 'a', '1').join('\n')}\n{"window":"1","key":"a","down":"soon","up":5}\n`);
    const r = typist(['score', '--enroll', enroll, '--probe', bad]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/bad\.jsonl:3: down/);
    const notJson = join(dir, 'not-json.jsonl');
    writeFileSync(notJson, 'hello\n');
    expect(typist(['score', '--enroll', notJson, '--probe', probe]).stderr).toMatch(/not-json\.jsonl:1: not valid JSON/);
  });

  it('streams a large probe file: memory does not grow with the number of windows', () => {
    // 6,000 windows of 50 keys (300,000 rows): held whole they need far more than the heap
    // allowed here; streamed, only the open window is held.
    const big = join(dir, 'big.jsonl.gz');
    const keys = alice.typeKeys(50 * 6000, 6, 5_000_000);
    const lines = keys.map(({ key, down, up }, i) => JSON.stringify({ window: `w${Math.floor(i / 50)}`, key, down, up }));
    writeFileSync(big, gzipSync(`${lines.join('\n')}\n`));
    const r = typist(['score', '--enroll', enroll, '--probe', big], { ...process.env, NODE_OPTIONS: '--max-old-space-size=48' });
    expect(r.status, r.stderr.slice(0, 500)).toBe(0);
    const out = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { window: string; score: number });
    expect(out).toHaveLength(6000);
    expect(out[0]!.window).toBe('w0');
    expect(out[5999]!.window).toBe('w5999');
    expect(out.every((o) => Number.isFinite(o.score))).toBe(true);
  }, 60_000);

  it('groups a window id that reappears later into one window, printed where it first appeared', () => {
    const split = join(dir, 'split.jsonl');
    const a = rows(alice.typeKeys(60, 7, 3_000_000), 'x', 'A');
    const b = rows(alice.typeKeys(60, 8, 4_000_000), 'x', 'B');
    writeFileSync(split, `${[...a.slice(0, 30), ...b, ...a.slice(30)].join('\n')}\n`);
    const whole = join(dir, 'whole.jsonl');
    writeFileSync(whole, `${[...a, ...b].join('\n')}\n`);
    const r = typist(['score', '--enroll', enroll, '--probe', split]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(typist(['score', '--enroll', enroll, '--probe', whole]).stdout);
    expect(r.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { window: string }).window)).toEqual(['A', 'B']);
  });

  it('ignores the probe user field whatever it holds (null, a number, absent)', () => {
    const users = [null, 7, undefined, 'bob'];
    const lines = alice.typeKeys(80, 9, 6_000_000).map(({ key, down, up }, i) => JSON.stringify({ user: users[i % 4], window: 'w', key, down, up }));
    const odd = join(dir, 'odd-users.jsonl');
    writeFileSync(odd, `${lines.join('\n')}\n`);
    const r = typist(['score', '--enroll', enroll, '--probe', odd]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\{"window":"w","score":-?\d+(\.\d+)?\}\n$/);
  });

  it('rejects an unknown command', () => {
    const r = typist(['bogus']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unknown command/);
  });
});
