// The lint rules that keep the rooms apart (ARCHITECTURE.md, "Rules that keep the rooms
// apart"). tsconfigs stop Node types leaking into the renderer; these rules stop the
// imports themselves. test/unit/shell/lint-rules.test.ts proves each one still fires.
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [...new Set(builtinModules.map((m) => m.replace(/^node:/, '')))];
const NATIVE_AND_NODE_PACKAGES = ['better-sqlite3', 'uiohook-napi', 'systeminformation', 'vigil-native'];

/** Import sources a rule forbids: exact names, plus regexes over the import string. */
const ban = {
  electron: {
    paths: [{ name: 'electron', message: 'Only src-main/shell (and test/electron) may import electron.' }],
    patterns: [{ regex: '^electron/', message: 'Only src-main/shell (and test/electron) may import electron.' }],
  },
  platform: {
    paths: [...NODE_BUILTINS, ...NATIVE_AND_NODE_PACKAGES].map((name) => ({
      name,
      message: 'contract/ and detection/ are pure: no Node, no native modules, no I/O.',
    })),
    patterns: [
      { regex: '^node:', message: 'contract/ and detection/ are pure: no Node built-ins.' },
      { regex: '^electron(/|$)', message: 'contract/ and detection/ are pure: no electron.' },
    ],
  },
  rendererReach: {
    paths: [...NODE_BUILTINS, ...NATIVE_AND_NODE_PACKAGES].map((name) => ({
      name,
      message: 'The renderer has no Node: ask main through window.vigil.',
    })),
    patterns: [
      { regex: '^node:', message: 'The renderer has no Node: ask main through window.vigil.' },
      { regex: '^electron(/|$)', message: 'The renderer never imports electron: use window.vigil.' },
      {
        // Anything under src-main except contract/, including `contract/../session` tricks.
        regex: '(^|/)src-main(/(?!contract(/|$))|$)|(^|/)src-main/contract/(.*/)?\\.\\.(/|$)',
        message: 'src-renderer may import only src-main/contract.',
      },
    ],
  },
  serverReach: {
    patterns: [
      {
        // src-main except contract/, detection/, audit/keyed-chain and the review's pure timeline
        // builder (REVIEW_TIMELINE below), including `contract/../session` tricks.
        regex:
          '(^|/)src-main(/(?!(contract|detection)(/|$)|audit/keyed-chain(\\.ts)?$|review/(attempt-timeline|flag-evidence|payload-fields)(\\.ts)?$)|$)|(^|/)src-main/(contract|detection)/(.*/)?\\.\\.(/|$)',
        message: 'src-server may import only src-main/contract, src-main/detection, src-main/audit/keyed-chain and the review timeline builder.',
      },
      { regex: '(^|/)src-renderer(/|$)', message: 'src-server never imports the renderer.' },
    ],
  },
  // The review's timeline builder is also the live view's (src-server/live-timeline.ts): what it
  // loads at run time is the contract and itself; anything else (the reader, the audit store) only as types.
  reviewTimeline: {
    patterns: [
      {
        regex: '^(?!\\./(attempt-timeline|flag-evidence|payload-fields)$|\\.\\./contract/[a-z-]+$)',
        allowTypeImports: true,
        message: 'The review timeline builder runs on the exam server too: import the contract and the builder itself; anything else only with `import type`.',
      },
    ],
  },
  // Direction inside main (ARCHITECTURE.md): the lower rooms are handed what they need.
  upperRooms: {
    patterns: [
      {
        regex: '(^|/)(session|audit|shell)(/|$)',
        message: 'capture, activity, detection, upload and exam never import session, audit or shell: take what you need as a parameter.',
      },
    ],
  },
  upload: {
    patterns: [
      {
        regex: '(^|/)upload(/|$)',
        message: 'audit does not import upload (ARCHITECTURE.md, direction inside main): a type both need belongs to audit or contract.',
      },
    ],
  },
  testTree: {
    patterns: [
      {
        regex: '(^|/)test(/|$)',
        message: 'Nothing outside test/ imports from test/: code both need lives outside test/ (e.g. scripts/browser-engine).',
      },
    ],
  },
  ipcRenderer: {
    paths: [
      {
        name: 'electron',
        importNames: ['ipcRenderer'],
        message: 'Raw ipcRenderer lives only in src-main/shell/preload.ts; expose verbs instead.',
      },
    ],
  },
};

/** no-restricted-imports options replace (not merge) between config objects, so compose. */
function restrict(...groups) {
  const paths = groups.flatMap((g) => g.paths ?? []);
  const patterns = groups.flatMap((g) => g.patterns ?? []);
  const sources = [
    // A path limited to some importNames (ipcRenderer) bans only those names, not the module.
    ...paths.filter((p) => !p.importNames).map((p) => `^${p.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
    ...patterns.map((p) => p.regex),
  ]
    .join('|')
    // esquery ends a regex literal at the first '/', even an escaped one.
    .replaceAll('/', '\\x2F');
  const rules = { 'no-restricted-imports': ['error', { paths, patterns }] };
  if (!sources) return rules;
  return {
    ...rules,
    // no-restricted-imports does not see require() or import(); catch those too.
    'no-restricted-syntax': [
      'error',
      {
        selector: `ImportExpression > Literal.source[value=/${sources}/]`,
        message: 'This module is off limits here (see ARCHITECTURE.md, the rooms).',
      },
      {
        selector: `CallExpression[callee.name='require'] > Literal.arguments[value=/${sources}/]`,
        message: 'This module is off limits here (see ARCHITECTURE.md, the rooms).',
      },
    ],
  };
}

const RENDERER = ['src-renderer/**'];
const CONTRACT = ['src-main/contract/**'];
const DETECTION = ['src-main/detection/**'];
/** The lower rooms of main that run under Node (detection is also pure, so it has its own block). */
const LOWER_NODE = ['src-main/capture/**', 'src-main/activity/**', 'src-main/upload/**', 'src-main/exam/**'];
const AUDIT = ['src-main/audit/**'];
const PRELOAD = ['src-main/shell/preload.ts', 'src-main/shell/review-preload.ts'];
const SHELL = ['src-main/shell/**'];
const TESTS = ['test/**'];
const ELECTRON_TESTS = ['test/electron/**'];
const SERVER = ['src-server/**'];
/** Pure modules of review that the exam server shares (see ban.reviewTimeline). */
const REVIEW_TIMELINE = ['src-main/review/attempt-timeline.ts', 'src-main/review/flag-evidence.ts', 'src-main/review/payload-fields.ts'];

export default defineConfig([
  { ignores: ['out/**', 'node_modules/**', 'release/**', 'dist/**', 'native/build/**', 'coverage/**'] },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'],
    languageOptions: { parser: tseslint.parser, sourceType: 'module' },
  },
  {
    files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: { 'no-debugger': 'error' },
  },
  // Each file gets exactly one of the blocks below that set no-restricted-imports, because a
  // later block's options replace an earlier one's: each block composes all its bans.
  // Everywhere but the rooms with blocks of their own: no electron, nothing from test/.
  {
    files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
    ignores: [...RENDERER, ...CONTRACT, ...DETECTION, ...LOWER_NODE, ...AUDIT, ...SHELL, ...TESTS, ...SERVER, ...REVIEW_TIMELINE],
    rules: restrict(ban.electron, ban.testTree),
  },
  { files: TESTS, ignores: ELECTRON_TESTS, rules: restrict(ban.electron) },
  { files: RENDERER, rules: restrict(ban.rendererReach, ban.testTree) },
  { files: CONTRACT, rules: restrict(ban.platform, ban.testTree) },
  { files: DETECTION, rules: restrict(ban.platform, ban.upperRooms, ban.testTree) },
  { files: LOWER_NODE, rules: restrict(ban.electron, ban.upperRooms, ban.testTree) },
  { files: AUDIT, rules: restrict(ban.electron, ban.upload, ban.testTree) },
  { files: PRELOAD, rules: restrict(ban.testTree) },
  // The exam server shares the wire contract, the detectors and the keyed chain; nothing of the app.
  { files: SERVER, rules: restrict(ban.electron, ban.serverReach, ban.testTree) },
  { files: REVIEW_TIMELINE, rules: restrict(ban.platform, ban.reviewTimeline, ban.testTree) },
  // The shell may import electron, but not hand ipcRenderer around outside the preload.
  {
    files: SHELL,
    ignores: PRELOAD,
    rules: {
      ...restrict(ban.ipcRenderer, ban.testTree),
      'no-restricted-properties': [
        'error',
        { object: 'electron', property: 'ipcRenderer', message: 'Raw ipcRenderer lives only in preload.ts.' },
      ],
    },
  },
  {
    files: ELECTRON_TESTS,
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'electron', property: 'ipcRenderer', message: 'Tests drive window.vigil, never ipcRenderer.' },
      ],
    },
  },
]);
