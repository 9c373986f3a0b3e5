// The Electronegativity gate (scripts/security-gate.mjs): a real scan of a deliberately
// insecure window must produce findings that fail the gate, and the allow-list must carry
// a reason for each entry and lose entries that match nothing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs script without type declarations
import { findingsFromReport, judge, loadAllowlist, scan } from '../../scripts/security-gate.mjs';

type Finding = { check: string; file: string; line: number; severity: string };

describe('security gate', () => {
  it('a real scan finds an insecure window, and the gate refuses it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-insecure-'));
    writeFileSync(
      path.join(dir, 'main.js'),
      "const { BrowserWindow } = require('electron');\nnew BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n",
    );
    const findings = (await scan(dir, 'fixture')) as Finding[];
    const checks = findings.filter((f) => f.file === 'fixture/main.js').map((f) => f.check);
    expect(checks).toEqual(expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK']));
    const { unallowed } = judge(findings, loadAllowlist());
    expect(unallowed.map((f: Finding) => f.check)).toEqual(expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK']));
    expect(findings.find((f) => f.check === 'CONTEXT_ISOLATION_JS_CHECK')).toMatchObject({ severity: 'HIGH', line: 2 });
  }, 120_000);

  it('a scan of a file it cannot parse fails instead of passing silently', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-unparsable-'));
    writeFileSync(path.join(dir, 'broken.js'), 'const x = <<<;\n');
    await expect(scan(dir, 'broken')).rejects.toThrow(/could not parse broken/);
  }, 120_000);

  it('matches allow-list entries by check and file, and reports stale ones', () => {
    const report = {
      issues: [
        { check: 'CSP_GLOBAL_CHECK', file: 'N/A', line: 0, severity: 'MEDIUM' },
        { check: 'AUXCLICK_JS_CHECK', file: 'shell/w.ts', line: 9, severity: 'MEDIUM' },
      ],
      errors: [],
    };
    const findings = findingsFromReport(report, 'src-main') as Finding[];
    expect(findings).toEqual([
      { check: 'CSP_GLOBAL_CHECK', file: 'src-main', line: 0, severity: 'MEDIUM' },
      { check: 'AUXCLICK_JS_CHECK', file: 'src-main/shell/w.ts', line: 9, severity: 'MEDIUM' },
    ]);
    const reason = 'because this is safe for a reason written out in a sentence';
    const r = judge(findings, [
      { check: 'CSP_GLOBAL_CHECK', file: 'src-main', reason },
      { check: 'SANDBOX_JS_CHECK', file: 'src-main/gone.ts', reason },
    ]);
    expect(r.unallowed).toEqual([findings[1]]);
    expect(r.stale).toEqual([{ check: 'SANDBOX_JS_CHECK', file: 'src-main/gone.ts', reason }]);
  });

  it('refuses an allow-list entry without a real reason', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-allow-'));
    const file = path.join(dir, 'allow.json');
    writeFileSync(file, JSON.stringify([{ check: 'CSP_GLOBAL_CHECK', file: 'src-main', reason: 'fine' }]));
    expect(() => loadAllowlist(file)).toThrow(/must say why/);
    writeFileSync(file, JSON.stringify([{ check: 'CSP_GLOBAL_CHECK', file: 'src-main' }]));
    expect(() => loadAllowlist(file)).toThrow(/no "reason"/);
    expect(loadAllowlist().length).toBeGreaterThan(0);
  });
});
