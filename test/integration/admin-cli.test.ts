// The acceptance contract of issue 11, run exactly as IT types it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'vigil-admin-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function admin(...args: string[]) {
  const r = spawnSync('npm', ['run', '--silent', 'admin', '--', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const keys = join(dir, 'keys');
const otherKeys = join(dir, 'other');
const policy = join(ROOT, 'assets', 'default-policy.json');
const signed = join(dir, 'policy.signed.json');

describe('npm run admin', { timeout: 60_000 }, () => {
  it('keygen writes a private key only its owner can read, and the public key', () => {
    const r = admin('keygen', '--out', keys);
    expect(r.code).toBe(0);
    expect(readFileSync(join(keys, 'institution.key'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(readFileSync(join(keys, 'institution.pub'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(statSync(join(keys, 'institution.key')).mode & 0o077).toBe(0);
    expect(admin('keygen', '--out', otherKeys).code).toBe(0);
    // A second keygen into the same folder would orphan every signed file: refused.
    const again = admin('keygen', '--out', keys);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/institution\.key already exists/);
  });

  it('sign then verify: OK, exit 0, one line', () => {
    expect(admin('sign', '--key', join(keys, 'institution.key'), '--in', policy, '--out', signed).code).toBe(0);
    const r = admin('verify', '--pub', join(keys, 'institution.pub'), '--in', signed);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^OK: .* \(a policy, Config Key [0-9a-f]{64}, \d+ bytes\)\n$/);
    expect(r.out.split('\n')).toHaveLength(2);
  });

  it('verify: BAD for a changed byte, a wrong key and a missing signature', () => {
    const tampered = join(dir, 'tampered.json');
    writeFileSync(tampered, readFileSync(signed, 'utf8').replace('\\"windowSeconds\\": 5', '\\"windowSeconds\\": 9'));
    expect(readFileSync(tampered, 'utf8')).not.toBe(readFileSync(signed, 'utf8'));
    const cases = [
      admin('verify', '--pub', join(keys, 'institution.pub'), '--in', tampered),
      admin('verify', '--pub', join(otherKeys, 'institution.pub'), '--in', signed),
      admin('verify', '--pub', join(keys, 'institution.pub'), '--in', policy),
    ];
    for (const r of cases) {
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/^BAD: .+\n$/);
    }
    expect(cases[0]!.out).toMatch(/changed after signing/);
    expect(cases[1]!.out).toMatch(/signed with key/);
    expect(cases[2]!.out).toMatch(/no Vigil signature/);
  });

  it('sign refuses what Vigil could never load, and warns about JSON that is no policy or exam', () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'windowSeconds = 5\n');
    const refused = admin('sign', '--key', join(keys, 'institution.key'), '--in', text, '--out', join(dir, 'notes.signed'));
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/notes\.txt is not JSON .*Vigil signs JSON policies and exams only/);
    const odd = join(dir, 'odd.json');
    writeFileSync(odd, '{"schemaVersion": 2}');
    const warned = admin('sign', '--key', join(keys, 'institution.key'), '--in', odd, '--out', join(dir, 'odd.signed'));
    expect(warned.code).toBe(0);
    expect(warned.err).toMatch(/warning: .*odd\.json is not a valid Vigil policy or exam/);
    // Signing a public key by mistake: one line naming it.
    const wrongKey = admin('sign', '--key', join(keys, 'institution.pub'), '--in', policy, '--out', join(dir, 'x.json'));
    expect(wrongKey.err).toMatch(/institution\.pub is not a private key in PEM form/);
  });

  it('names the file and what to do when a key or input is missing', () => {
    const noPub = admin('verify', '--pub', join(dir, 'missing.pub'), '--in', signed);
    expect(noPub).toMatchObject({ code: 1, out: expect.stringMatching(/^BAD: cannot read the public key .*missing\.pub \(ENOENT\)\. Use the institution\.pub/) });
    const noKey = admin('sign', '--key', join(dir, 'missing.key'), '--in', policy, '--out', join(dir, 'x.json'));
    expect(noKey.code).toBe(1);
    expect(noKey.err).toMatch(/cannot read the private key .*missing\.key \(ENOENT\)\. Create one with/);
    const noIn = admin('sign', '--key', join(keys, 'institution.key'), '--in', join(dir, 'nope.json'), '--out', join(dir, 'x.json'));
    expect(noIn.err).toMatch(/cannot read the file to sign .*nope\.json/);
  });
});
