// Lint rules that nobody sees fire tend to rot (a renamed folder, a typo in a glob) and
// then pass everything. This runs ESLint on small in-memory sources placed at real paths
// and checks both that the forbidden imports are reported and that the allowed ones are not.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** Rule ids reported for `source` as if it lived at `file` (relative to the repo). */
async function violations(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  if (!result) throw new Error('ESLint returned no result');
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`parse error: ${fatal.map((m) => m.message).join('; ')}`);
  return result.messages.map((m) => m.ruleId ?? 'unknown');
}

const BOUNDARY = expect.arrayContaining(['no-restricted-imports']);

describe('the renderer imports only src-main/contract', () => {
  const file = 'src-renderer/lint-probe.ts';
  it.each([
    "import { x } from '../src-main/session/exam-session';",
    "import { x } from '../../src-main/audit/store';",
    "import { x } from '../src-main/contract/../session/exam-session';",
    "import { ipcRenderer } from 'electron';",
    "import fs from 'node:fs';",
    "import fs from 'fs';",
    "import Database from 'better-sqlite3';",
    "export { x } from '../src-main/capture/input-hook';",
  ])('reports %s', async (src) => {
    expect(await violations(file, src)).toEqual(BOUNDARY);
  });

  it('reports a dynamic import of main-process code', async () => {
    expect(await violations(file, "void import('../src-main/session/exam-session');")).toContain(
      'no-restricted-syntax',
    );
  });

  it.each([
    "import type { VigilApi } from '../src-main/contract/api';",
    "import { ok } from '../src-main/contract';",
    "import { create } from 'zustand';",
    "import { useState } from 'react';",
  ])('allows %s', async (src) => {
    expect(await violations(file, src)).toEqual([]);
  });

  it('applies to .tsx files too', async () => {
    const src = "import { x } from '../src-main/session/exam-session';\nexport const A = () => <div />;";
    expect(await violations('src-renderer/components/probe.tsx', src)).toEqual(BOUNDARY);
  });
});

describe('only src-main/shell and test/electron import electron', () => {
  it.each([
    'src-main/session/lint-probe.ts',
    'src-main/audit/lint-probe.ts',
    'src-main/cli/lint-probe.ts',
    'scripts/lint-probe.ts',
    'scripts/lint-probe.mjs',
    'test/unit/session/lint-probe.test.ts',
    'test/e2e/lint-probe.test.ts',
  ])('reports electron in %s', async (file) => {
    expect(await violations(file, "import { app } from 'electron';")).toEqual(BOUNDARY);
  });

  it('reports require("electron") and electron/ subpaths', async () => {
    expect(await violations('src-main/session/probe.ts', "const e = require('electron');")).toContain(
      'no-restricted-syntax',
    );
    expect(await violations('src-main/session/probe.ts', "import 'electron/main';")).toEqual(BOUNDARY);
  });

  it.each(['src-main/shell/lint-probe.ts', 'test/electron/lint-probe.test.ts'])(
    'allows electron in %s',
    async (file) => {
      expect(await violations(file, "import { app } from 'electron';")).toEqual([]);
    },
  );

  it('still lets the rest of main use Node and native modules', async () => {
    const src = "import fs from 'node:fs';\nimport Database from 'better-sqlite3';";
    expect(await violations('src-main/audit/lint-probe.ts', src)).toEqual([]);
  });
});

describe('contract/ and detection/ stay pure', () => {
  it.each([
    ['src-main/contract/lint-probe.ts', "import fs from 'node:fs';"],
    ['src-main/contract/lint-probe.ts', "import path from 'path';"],
    ['src-main/contract/lint-probe.ts', "import { app } from 'electron';"],
    ['src-main/detection/lint-probe.ts', "import { readFileSync } from 'fs';"],
    ['src-main/detection/lint-probe.ts', "import os from 'node:os';"],
    ['src-main/detection/lint-probe.ts', "import Database from 'better-sqlite3';"],
    ['src-main/detection/sub/lint-probe.ts', "import { uIOhook } from 'uiohook-napi';"],
    ['src-main/detection/lint-probe.ts', "import si from 'systeminformation';"],
  ])('%s: reports %s', async (file, src) => {
    expect(await violations(file, src)).toEqual(BOUNDARY);
  });

  it('reports require() of a built-in', async () => {
    expect(await violations('src-main/detection/probe.ts', "const fs = require('node:fs');")).toContain(
      'no-restricted-syntax',
    );
  });

  it('allows zod and sibling imports', async () => {
    const src = "import { z } from 'zod';\nimport type { Clock } from '../contract/clock';";
    expect(await violations('src-main/detection/lint-probe.ts', src)).toEqual([]);
  });
});

describe('raw ipcRenderer stays in the preload', () => {
  it('reports ipcRenderer elsewhere in the shell', async () => {
    expect(await violations('src-main/shell/lint-probe.ts', "import { ipcRenderer } from 'electron';")).toEqual(
      BOUNDARY,
    );
    const viaNamespace = "import * as electron from 'electron';\nelectron.ipcRenderer.send('x');";
    expect(await violations('src-main/shell/lint-probe.ts', viaNamespace)).toContain('no-restricted-properties');
  });

  it('allows it in preload.ts', async () => {
    const src = "import { contextBridge, ipcRenderer } from 'electron';";
    expect(await violations('src-main/shell/preload.ts', src)).toEqual([]);
  });
});

describe('direction inside main', () => {
  const LOWER = ['capture', 'activity', 'detection', 'upload', 'exam'];
  const UPPER = ['session', 'audit', 'shell'];

  it.each(LOWER.flatMap((lower) => UPPER.map((upper) => [lower, upper])))(
    'src-main/%s may not import %s',
    async (lower, upper) => {
      const file = `src-main/${lower}/lint-probe.ts`;
      expect(await violations(file, `import { x } from '../${upper}/probe';`)).toEqual(BOUNDARY);
      expect(await violations(file, `import type { X } from '../../src-main/${upper}/probe';`)).toEqual(BOUNDARY);
      expect(await violations(file, `export { x } from '../${upper}';`)).toEqual(BOUNDARY);
      expect(await violations(file, `void import('../${upper}/probe');`)).toContain('no-restricted-syntax');
    },
  );

  it('reports the upper rooms from a nested folder and through ../ detours', async () => {
    expect(await violations('src-main/capture/x11/lint-probe.ts', "import { x } from '../../session/probe';")).toEqual(
      BOUNDARY,
    );
    expect(await violations('src-main/upload/lint-probe.ts', "import { x } from '../contract/../audit/probe';")).toEqual(
      BOUNDARY,
    );
  });

  it.each([
    ['src-main/capture/lint-probe.ts', "import { x } from '../contract';\nimport { y } from '../activity/probe';"],
    ['src-main/activity/lint-probe.ts', "import { x } from '../detection/probe';\nimport fs from 'node:fs';"],
    ['src-main/detection/lint-probe.ts', "import { x } from '../contract/risk';\nimport { y } from './session-windows';"],
    ['src-main/upload/lint-probe.ts', "import { x } from '../exam/probe';\nimport { y } from './audit-trail-client';"],
    ['src-main/exam/lint-probe.ts', "import { x } from '../contract/policy';"],
  ])('%s: allows %s', async (file, src) => {
    expect(await violations(file, src)).toEqual([]);
  });

  it('lets session and cli import the rooms below them, and the shell import session', async () => {
    const src = ['audit', ...LOWER].map((room, i) => `import { x${i} } from '../${room}/probe';`).join('\n');
    expect(await violations('src-main/session/lint-probe.ts', src)).toEqual([]);
    expect(await violations('src-main/cli/lint-probe.ts', src)).toEqual([]);
    expect(await violations('src-main/shell/lint-probe.ts', "import { x } from '../session/exam-session';")).toEqual([]);
  });

  it('audit may not import upload, but may import the lower rooms', async () => {
    const file = 'src-main/audit/lint-probe.ts';
    expect(await violations(file, "import type { OutboxPort } from '../upload/outbox-port';")).toEqual(BOUNDARY);
    expect(await violations(file, "void import('../upload/outbox-relay');")).toContain('no-restricted-syntax');
    const allowed = "import { x } from '../contract';\nimport { y } from '../detection/probe';\nimport Database from 'better-sqlite3';";
    expect(await violations(file, allowed)).toEqual([]);
  });
});

describe('nothing outside test/ imports test/', () => {
  it.each([
    ['scripts/lint-probe.ts', "import { exposeEngine } from '../test/e2e/engine-bridge';"],
    ['scripts/lint-probe.mjs', "import { x } from '../test/server/exam-server.ts';"],
    ['scripts/browser-engine/lint-probe.ts', "import { x } from '../../test/e2e/exam-harness';"],
    ['src-main/session/lint-probe.ts', "import { x } from '../../test/support/virtual-scheduler';"],
    ['src-main/cli/lint-probe.ts', "import { x } from '../../test/bench/run';"],
    ['src-main/audit/lint-probe.ts', "import { x } from '../../test/support/probe';"],
    ['src-main/capture/lint-probe.ts', "import { x } from '../../test/support/probe';"],
    ['src-main/detection/lint-probe.ts', "import { x } from '../../test/support/probe';"],
    ['src-main/contract/lint-probe.ts', "import { x } from '../../test/support/probe';"],
    ['src-main/shell/lint-probe.ts', "import { x } from '../../test/support/probe';"],
    ['src-main/shell/preload.ts', "import { x } from '../../test/support/probe';"],
    ['src-renderer/lint-probe.ts', "import { x } from '../test/support/probe';"],
    ['vite.config.ts', "import { x } from './test/support/probe';"],
  ])('%s: reports %s', async (file, src) => {
    expect(await violations(file, src)).toEqual(BOUNDARY);
  });

  it('reports a dynamic import of test code', async () => {
    expect(await violations('scripts/lint-probe.ts', "void import('../test/e2e/exam-harness');")).toContain(
      'no-restricted-syntax',
    );
  });

  it('lets tests import test helpers and the code they test', async () => {
    const src = "import { x } from '../server/exam-server';\nimport { y } from '../../src-main/session/exam-session';\nimport { z } from '../../scripts/browser-engine/engine-bridge';";
    expect(await violations('test/e2e/lint-probe.test.ts', src)).toEqual([]);
    expect(await violations('test/unit/session/lint-probe.test.ts', "import { x } from '../../support/probe';")).toEqual([]);
  });

  it('lets scripts import main-process code and their own helpers', async () => {
    const src = "import { x } from '../src-main/session/exam-session';\nimport { y } from './browser-engine/engine-bridge';";
    expect(await violations('scripts/lint-probe.ts', src)).toEqual([]);
  });
});

describe('src-server imports only the contract, the detectors and the keyed chain from src-main', () => {
  const file = 'src-server/lint-probe.ts';
  it.each([
    "import { x } from '../src-main/session/exam-session';",
    "import { AuditStore } from '../src-main/audit/audit-store';",
    "import { x } from '../src-main/shell/main';",
    "import { x } from '../src-main/upload/outbox-relay';",
    "import { x } from '../src-main/contract/../session/exam-session';",
    "import { x } from '../src-main/audit/keyed-chain/../audit-store';",
    "import { readAttempt } from '../src-main/review/attempt-reader';",
    "import { x } from '../src-main/review/attempt-timeline/../review-service';",
    "import { x } from '../src-renderer/app';",
    "import { app } from 'electron';",
  ])('reports %s', async (src) => {
    expect(await violations(file, src)).toEqual(BOUNDARY);
  });

  it('reports a dynamic import of the session', async () => {
    expect(await violations(file, "void import('../src-main/session/exam-session');")).toContain('no-restricted-syntax');
  });

  it.each([
    "import { ExamSchema } from '../src-main/contract/exam';",
    "import { x } from '../src-main/detection/orchestrator';",
    "import { tagFor } from '../src-main/audit/keyed-chain';",
    "import { buildTimeline } from '../src-main/review/attempt-timeline';",
    "import Database from 'better-sqlite3';",
    "import { createServer } from 'node:http';",
  ])('allows %s', async (src) => {
    expect(await violations(file, src)).toEqual([]);
  });
});

describe('the review timeline builder the exam server shares stays pure at run time', () => {
  it.each([
    ['src-main/review/attempt-timeline.ts', "import { readAttempt } from './attempt-reader';"],
    ['src-main/review/flag-evidence.ts', "import { AuditStore } from '../audit/audit-store';"],
    ['src-main/review/payload-fields.ts', "import fs from 'node:fs';"],
    ['src-main/review/attempt-timeline.ts', "import Database from 'better-sqlite3';"],
  ])('reports in %s: %s', async (file, src) => {
    expect(await violations(file, src)).toEqual(BOUNDARY);
  });

  it('reports a dynamic import of the reader', async () => {
    expect(await violations('src-main/review/attempt-timeline.ts', "void import('./attempt-reader');")).toContain('no-restricted-syntax');
  });

  it("allows the contract, the builder's own modules and types of the rest", async () => {
    const src = [
      "import type { AuditRow, RawAttempt } from './attempt-reader';",
      "import type { AuditRecord } from '../audit/audit-store';",
      "import { detectorLabel } from '../contract/review';",
      "import { flagEvidence } from './flag-evidence';",
    ].join('\n');
    expect(await violations('src-main/review/attempt-timeline.ts', src)).toEqual([]);
  });
});
