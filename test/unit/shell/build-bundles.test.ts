// The bundles' shape is what Electron will refuse at run time, where we cannot test here:
// a sandboxed preload can require() only electron, and the ESM main may import only
// Electron, Node built-ins and the native packages left external.
import { builtinModules } from 'node:module';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs build script without type declarations
import { MAIN_EXTERNALS, buildMain, buildPreload } from '../../../scripts/build.mjs';

let out: string;
beforeAll(async () => {
  out = mkdtempSync(path.join(tmpdir(), 'vigil-build-'));
  await Promise.all([buildMain(out), buildPreload(out)]);
}, 120_000);

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

describe('preload bundle', () => {
  it('is one CommonJS file that requires nothing but electron', () => {
    const code = readFileSync(path.join(out, 'preload/preload.cjs'), 'utf8');
    const required = [...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).toContain('exposeInMainWorld("vigil"');
  });

  it('carries the verb table but not zod (which would add ~445 KiB to every page start)', () => {
    const code = readFileSync(path.join(out, 'preload/preload.cjs'), 'utf8');
    expect(code).toContain('vigil:save-answer');
    expect(code).not.toMatch(/ZodError|\$ZodType|ZodObject/);
  });

  it('never hands ipcRenderer itself to the page', () => {
    const code = readFileSync(path.join(out, 'preload/preload.cjs'), 'utf8');
    expect(code.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(code).not.toMatch(/exposeInMainWorld\("[^"]+",\s*\w+\.ipcRenderer\)/);
  });
});

describe('review preload bundle', () => {
  it('requires only electron and exposes only window.vigilReview, never ipcRenderer', () => {
    const code = readFileSync(path.join(out, 'preload/review-preload.cjs'), 'utf8');
    const required = [...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(code.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(code).toContain('exposeInMainWorld("vigilReview"');
    expect(code).not.toMatch(/exposeInMainWorld\("[^"]+",\s*\w+\.ipcRenderer\)/);
  });
});

describe('main bundle', () => {
  it('is ESM importing only electron, node built-ins and the native externals', () => {
    const code = readFileSync(path.join(out, 'main/main.js'), 'utf8');
    const imported = [...code.matchAll(/^\s*import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/gm)].map((m) => m[1]!);
    expect(imported).toContain('electron');
    for (const m of imported) {
      expect(builtins.has(m) || MAIN_EXTERNALS.includes(m), `unexpected import ${m}`).toBe(true);
    }
    // Dynamic requires of bundled CommonJS go through the createRequire banner.
    expect(code.startsWith("import { createRequire as __vigilCreateRequire } from 'node:module';")).toBe(true);
  });

  it('keeps the session engine inside the bundle (no import of src-main at run time)', () => {
    const code = readFileSync(path.join(out, 'main/main.js'), 'utf8');
    expect(code).not.toMatch(/from\s+["'][./]+src-main/);
    expect(code).toContain('registerSchemesAsPrivileged');
  });
});
