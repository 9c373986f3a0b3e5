import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../../src-main/contract';
import { configKey } from '../../../src-main/exam/config-key';
import { DEMO_EXAM_FILE } from '../../../src-main/exam/exam-files';
import { loadInstalledConfig, loadInstalledPolicy } from '../../../src-main/exam/installed-config';
import type { ConfigSources } from '../../../src-main/exam/installed-config';
import { managedDir } from '../../../src-main/exam/managed-location';
import { signDocument } from '../../../src-main/exam/signed-document';

const root = mkdtempSync(path.join(tmpdir(), 'vigil-installed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const appRoot = path.resolve(DEMO_EXAM_FILE, '..', '..');
const institution = generateKeyPairSync('ed25519');
const intruder = generateKeyPairSync('ed25519');
const pubPem = institution.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const policyText = JSON.stringify({ schemaVersion: 1, windowSeconds: 7, serverUrl: null }, null, 2);
const examText = readFileSync(DEMO_EXAM_FILE, 'utf8');

let n = 0;
/** A managed folder with the given files (null = absent). */
function managed(files: { pub?: string | null; policy?: string | null; exam?: string | null }): string {
  const dir = path.join(root, `m${n++}`);
  mkdirSync(dir);
  if (files.pub !== null) writeFileSync(path.join(dir, 'institution.pub'), files.pub ?? pubPem);
  if (files.policy !== null) writeFileSync(path.join(dir, 'policy.json'), files.policy ?? signDocument(policyText, institution.privateKey));
  if (files.exam !== null) writeFileSync(path.join(dir, 'exam.json'), files.exam ?? signDocument(examText, institution.privateKey));
  return dir;
}

const production = (dir: string, extra: Partial<ConfigSources> = {}): ConfigSources => ({
  production: true,
  managedDir: dir,
  appRoot,
  policyFile: null,
  examFile: null,
  builtInPublicKey: null,
  ...extra,
});

describe('loadInstalledConfig in production', () => {
  it('loads the signed policy and exam from the managed folder, with the Config Key', () => {
    const r = loadInstalledConfig(production(managed({})));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.policy.windowSeconds).toBe(7);
    expect(r.value.exam.id).toBe(JSON.parse(examText).id);
    expect(r.value.configKey).toBe(configKey(r.value.policy));
    expect(r.value.notes.join('\n')).toMatch(/policy .*signature good/);
  });

  it('refuses a tampered policy, naming the file and what IT must do', () => {
    const signed = JSON.parse(signDocument(policyText, institution.privateKey));
    signed.content = signed.content.replace('"windowSeconds": 7', '"windowSeconds": 120');
    const dir = managed({ policy: JSON.stringify(signed) });
    const r = loadInstalledConfig(production(dir));
    expect(r).toEqual({
      ok: false,
      error: {
        title: 'The exam policy is not signed by your institution',
        message: expect.stringContaining(`${path.join(dir, 'policy.json')}: its signature does not match its content`),
      },
    });
    if (!r.ok) expect(r.error.message).toMatch(/IT: sign the policy again/);
  });

  it('refuses a policy signed by another key', () => {
    const r = loadInstalledConfig(production(managed({ policy: signDocument(policyText, intruder.privateKey) })));
    expect(!r.ok && r.error.message).toMatch(/signed with key .* but the trusted institution key is/);
  });

  it('refuses an unsigned policy and an unsigned exam, never falling back to a default', () => {
    const p = loadInstalledConfig(production(managed({ policy: policyText })));
    expect(!p.ok && p.error.title).toBe('The exam policy is not signed');
    const e = loadInstalledConfig(production(managed({ exam: examText })));
    expect(!e.ok && e.error.title).toBe('The exam file is not signed');
    const missing = loadInstalledConfig(production(managed({ policy: null })));
    expect(!missing.ok && missing.error.message).toMatch(/policy\.json cannot be read \(ENOENT\)\. IT: install the signed policy there/);
  });

  it('refuses to start without an institution key, and with an unusable one', () => {
    const none = loadInstalledConfig(production(managed({ pub: null })));
    expect(!none.ok && none.error.title).toBe('No institution key is installed');
    const junk = loadInstalledConfig(production(managed({ pub: 'hello' })));
    expect(!junk.ok && junk.error.message).toMatch(/institution\.pub is not a public key in PEM form/);
  });

  it('a key built in at build time wins over the managed file (an admin student could replace that)', () => {
    const dir = managed({ pub: intruder.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    expect(loadInstalledConfig(production(dir)).ok).toBe(false);
    expect(loadInstalledConfig(production(dir, { builtInPublicKey: pubPem })).ok).toBe(true);
  });

  it('ignores --policy and --exam: only the managed folder counts', () => {
    const lenient = path.join(root, 'lenient.json');
    writeFileSync(lenient, JSON.stringify({ schemaVersion: 1 }));
    const r = loadInstalledConfig(production(managed({ policy: null }), { policyFile: lenient }));
    expect(r.ok).toBe(false);
  });
});

describe('loadInstalledConfig in development', () => {
  const dev = (extra: Partial<ConfigSources> = {}): ConfigSources => ({ ...production(path.join(root, 'no-managed')), production: false, ...extra });

  it('accepts the bundled demo exam and the default policy, and says they are unsigned', () => {
    const r = loadInstalledConfig(dev());
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.configKey).toBe(configKey(r.value.policy));
      expect(r.value.notes.join('\n')).toMatch(/not signed/);
    }
  });

  it('still checks a signed file when a key is available, and refuses a tampered one', () => {
    const file = path.join(root, 'dev-policy.json');
    const signed = JSON.parse(signDocument(policyText, institution.privateKey));
    writeFileSync(file, JSON.stringify({ ...signed, content: signed.content.replace('7', '8') }));
    expect(loadInstalledConfig(dev({ policyFile: file, builtInPublicKey: pubPem })).ok).toBe(false);
    writeFileSync(file, signDocument(policyText, institution.privateKey));
    const good = loadInstalledConfig(dev({ policyFile: file, builtInPublicKey: pubPem }));
    expect(good.ok && good.value.policy.windowSeconds).toBe(7);
  });

  it('uses the defaults only in development, and says so', () => {
    const r = loadInstalledConfig(dev({ appRoot: path.join(root, 'empty-app'), examFile: DEMO_EXAM_FILE }));
    expect(r.ok && r.value.configKey).toBe(configKey(defaultPolicy()));
    expect(r.ok && r.value.notes.join('\n')).toMatch(/built-in defaults/);
  });
});

describe('loadInstalledPolicy (the review needs the policy, not the exam)', () => {
  it('checks the policy exactly as for an exam, and needs no exam file', () => {
    const dir = managed({ exam: null });
    expect(loadInstalledConfig(production(dir)).ok).toBe(false);
    const r = loadInstalledPolicy(production(dir));
    expect(r.ok && r.value.policy.windowSeconds).toBe(7);
    expect(r.ok && r.value.source).toBe(path.join(dir, 'policy.json'));
    expect(r.ok && r.value.notes.join('\n')).toMatch(/policy .*signature good/);
  });

  it('refuses a policy signed by another key, and a missing one, as the exam start does', () => {
    const forged = loadInstalledPolicy(production(managed({ policy: signDocument(policyText, intruder.privateKey), exam: null })));
    expect(forged).toMatchObject({ ok: false, error: { title: 'The exam policy is not signed by your institution' } });
    const missing = loadInstalledPolicy(production(managed({ policy: null, exam: null })));
    expect(missing).toMatchObject({ ok: false, error: { title: 'The exam policy cannot be used', message: expect.stringMatching(/policy\.json cannot be read \(ENOENT\)/) } });
  });

  it('names the built-in defaults as its source in development', () => {
    const r = loadInstalledPolicy({ production: false, managedDir: path.join(root, 'none'), appRoot: path.join(root, 'empty-app'), policyFile: null, builtInPublicKey: null });
    expect(r.ok && r.value.source).toBe('the built-in default policy');
    expect(r.ok && r.value.policy.integrity.lockdown.quitPasswordHash).toBeNull();
  });
});

describe('managedDir', () => {
  it('is the folder only an administrator can write on each system', () => {
    expect(managedDir('linux', {})).toBe('/etc/vigil');
    expect(managedDir('darwin', {})).toBe('/Library/Application Support/Vigil');
    expect(managedDir('win32', { ProgramData: 'D:\\ProgramData' })).toBe('D:\\ProgramData\\Vigil');
    expect(managedDir('win32', {})).toBe('C:\\ProgramData\\Vigil');
  });
});
