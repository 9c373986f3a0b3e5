// electron-builder.yml against the JSON schema electron-builder ships
// (node_modules/app-builder-lib/scheme.json), compiled with ajv, plus the deployment
// settings issue 11 asks for, so that a later edit cannot quietly drop one.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
const text = readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');
const config = yaml.load(text) as Record<string, any>;

// The schema carries electron-builder's own annotation keywords (e.g. tsType); ajv's strict
// mode would refuse them, which says nothing about our file.
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

describe('electron-builder.yml against app-builder-lib/scheme.json (ajv)', () => {
  it('is valid', () => {
    const ok = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the same check refuses a misspelt option and a wrong type (it can fail)', () => {
    expect(validate({ ...config, nsis: { ...config.nsis, perMachin: true } })).toBe(false);
    expect(validate({ ...config, msi: { ...config.msi, perMachine: 'yes' } })).toBe(false);
  });
});

describe('deployment settings', () => {
  it('Windows: nsis per machine into Program Files, and an msi per machine with a fixed upgrade code', () => {
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: true, allowToChangeInstallationDirectory: false, deleteAppDataOnUninstall: false });
    expect(config.msi.perMachine).toBe(true);
    expect(config.msi.upgradeCode).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  });

  it('macOS: hardened runtime with a minimal entitlements file, notarised from the environment', () => {
    expect(config.mac).toMatchObject({ hardenedRuntime: true, notarize: true, entitlements: 'build/entitlements.mac.plist' });
    const entitlements = readFileSync(path.join(root, config.mac.entitlements), 'utf8');
    expect([...entitlements.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1])).toEqual(['com.apple.security.cs.allow-jit']);
  });

  it('never holds signing material: that comes from the environment only', () => {
    const secretKeys = /^\s*(cscLink|cscKeyPassword|cscInstallerLink|cscInstallerKeyPassword|identity|certificateFile|certificatePassword|certificateSha1|appleId|appleIdPassword|teamId)\s*:/im;
    expect(text).not.toMatch(secretKeys);
    expect(existsSync(path.join(root, 'build', 'certificate.p12'))).toBe(false);
  });

  it('unpacks every native addon, including the native/ one', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.files).toContain('native/build/Release/*.node');
  });
});
