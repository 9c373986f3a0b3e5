// .github/workflows/release.yml only runs on GitHub, far from here. It is checked now
// against the GitHub workflow schema with action-validator (its WebAssembly build from
// npm, offline), and for the steps issue 11 asks for.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const text = readFileSync(path.join(root, '.github/workflows/release.yml'), 'utf8');
const workflow = yaml.load(text) as { jobs: Record<string, { 'runs-on': string; strategy: { matrix: { include: { os: string }[] } }; steps: { name?: string; run?: string; uses?: string; if?: string }[] }> };

describe('release workflow', () => {
  it('passes the GitHub workflow schema', () => {
    const state = validateWorkflow(text);
    expect(state.errors, JSON.stringify(state.errors, null, 2)).toEqual([]);
  });

  it('the same validator refuses a broken workflow (it can fail)', () => {
    expect(validateWorkflow(text.replace('runs-on:', 'run-on:')).errors.length).toBeGreaterThan(0);
    expect(validateWorkflow(text.replace('timeout-minutes: 90', 'timeout-minutes: soon')).errors.length).toBeGreaterThan(0);
  });

  const job = Object.values(workflow.jobs)[0]!;
  const runs = job.steps.map((s) => s.run ?? '').join('\n');

  it('runs on windows, macos and ubuntu', () => {
    expect(job.strategy.matrix.include.map((m) => m.os)).toEqual(['windows-latest', 'macos-latest', 'ubuntu-latest']);
  });

  it('installs, builds native/, tests, runs test/electron under Xvfb, packages, checks fuses, uploads', () => {
    const order = [
      /npm ci/,
      /node-gyp rebuild --directory native/,
      /npm run security/,
      /vitest run test\/unit test\/integration/,
      /xvfb-run -a npx vitest run test\/electron/,
      /npm run build -- --production/,
      /electron-builder \$\{\{ matrix\.targets \}\}/,
      /node scripts\/check-fuses\.mjs/,
    ].map((re) => {
      const i = job.steps.findIndex((s) => re.test(s.run ?? ''));
      expect(i, String(re)).toBeGreaterThanOrEqual(0);
      return i;
    });
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(job.steps.at(-1)!.uses).toMatch(/^actions\/upload-artifact@/);
    expect(runs).not.toMatch(/CSC_LINK=|APPLE_API_KEY=/);
  });

  it('takes signing material only from secrets', () => {
    for (const name of ['CSC_LINK', 'CSC_KEY_PASSWORD', 'APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER']) {
      for (const m of text.matchAll(new RegExp(`^\\s*${name}:\\s*(.+)$`, 'gm'))) expect(m[1]).toBe(`\${{ secrets.${name} }}`);
    }
  });
});
