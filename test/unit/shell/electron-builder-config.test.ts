// electron-builder.yml is only read when someone packages, often long after it was edited;
// this validates it now with electron-builder's own schema check and pins the security
// settings that must not drift.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(import.meta.url);
// Both come with electron-builder (app-builder-lib parses the same file with js-yaml).
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
};

const load = () => yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
const quietLogger = { isEnabled: false, add: () => undefined };

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    await expect(validateConfiguration(load(), quietLogger)).resolves.toBeUndefined();
  });

  it('the validation would catch a misspelt fuse (so the test above means something)', async () => {
    const bad = { ...load(), electronFuses: { runAsNod: false } };
    await expect(validateConfiguration(bad, quietLogger)).rejects.toThrow(/electronFuses/);
  });

  it('flips the fuses that close Node-level backdoors', () => {
    expect(load().electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('names the product, every target per OS and unpacks native addons', () => {
    const c = load();
    expect(c.productName).toBe('Vigil');
    expect(c.appId).toMatch(/^[a-z0-9.-]+$/);
    expect(c.win.target).toEqual(['nsis', 'msi']);
    expect(c.mac.target).toEqual(['dmg', 'zip']);
    expect(c.linux.target).toEqual(['AppImage', 'deb', 'rpm']);
    expect(c.asarUnpack).toContain('**/*.node');
    expect(c.files).toEqual(expect.arrayContaining(['out/**', 'package.json', 'assets/**', '!out/native/**']));
  });

  it('packages what package.json "main" points at', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('out/main/main.js');
  });
});
