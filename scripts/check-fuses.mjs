// `node scripts/check-fuses.mjs [APP ...]`: reads the fuses of each packaged app with
// @electron/fuses and fails if any differs from electron-builder.yml's electronFuses, or if
// the binary has a fuse the config does not set (a new Electron fuse must be decided, not
// inherited). Without arguments it checks every app electron-builder left in release/.
// The release workflow runs it after packaging; exit 0 all match, 1 a difference, 2 nothing to check.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { FuseV1Options, getCurrentFuseWire } = require('@electron/fuses');
// @electron/fuses does not export its FuseState; these are the ASCII bytes of the fuse wire.
const FuseState = { DISABLE: 0x30, ENABLE: 0x31, REMOVED: 0x72, INHERIT: 0x90 };
const yaml = require('js-yaml');

/** electron-builder's config names -> fuse wire positions (app-builder-lib does the same mapping). */
export const FUSE_POSITIONS = {
  runAsNode: FuseV1Options.RunAsNode,
  enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
  enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
  onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
  loadBrowserProcessSpecificV8Snapshot: FuseV1Options.LoadBrowserProcessSpecificV8Snapshot,
  grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
};
/** Options of the electronFuses block that are not fuses. */
const NOT_FUSES = new Set(['resetAdHocDarwinSignature', 'strictlyRequireAllFuses']);

export function configuredFuses(configFile = path.join(root, 'electron-builder.yml')) {
  const fuses = yaml.load(readFileSync(configFile, 'utf8')).electronFuses ?? {};
  return Object.fromEntries(Object.entries(fuses).filter(([name]) => !NOT_FUSES.has(name)));
}

const stateName = (s) => ({ [FuseState.ENABLE]: 'enabled', [FuseState.DISABLE]: 'disabled', [FuseState.REMOVED]: 'removed', [FuseState.INHERIT]: 'inherit' })[s] ?? `unknown (${s})`;

/** Differences between the binary's fuse wire and `expected`; empty when they match. */
export async function fuseDifferences(appPath, expected) {
  const wire = await getCurrentFuseWire(appPath);
  const problems = [];
  const byPosition = new Map(Object.entries(FUSE_POSITIONS).map(([name, pos]) => [pos, name]));
  for (const [name, want] of Object.entries(expected)) {
    const pos = FUSE_POSITIONS[name];
    if (pos === undefined) {
      problems.push(`${name}: not a fuse this checker knows (update scripts/check-fuses.mjs)`);
      continue;
    }
    const actual = wire[pos];
    if (actual !== (want ? FuseState.ENABLE : FuseState.DISABLE)) {
      problems.push(`${name}: config says ${want ? 'enabled' : 'disabled'}, binary has ${actual === undefined ? 'no such fuse' : stateName(actual)}`);
    }
  }
  for (const key of Object.keys(wire)) {
    if (key === 'version') continue;
    const name = byPosition.get(Number(key));
    if (wire[key] === FuseState.REMOVED) continue;
    if (name === undefined || !(name in expected)) {
      problems.push(`fuse ${name ?? `#${key}`} (${stateName(wire[key])}) is not set by electron-builder.yml; decide it there`);
    }
  }
  return problems;
}

/** The Electron binaries electron-builder leaves unpacked in release/. */
export function packagedApps(releaseDir = path.join(root, 'release')) {
  if (!existsSync(releaseDir)) return [];
  const apps = [];
  for (const entry of readdirSync(releaseDir)) {
    const dir = path.join(releaseDir, entry);
    if (entry === 'linux-unpacked' || /^linux-.*-unpacked$/.test(entry)) apps.push(path.join(dir, 'vigil'));
    if (entry === 'win-unpacked' || /^win-.*-unpacked$/.test(entry)) apps.push(path.join(dir, 'Vigil.exe'));
    if (/^mac(-.*)?$/.test(entry)) apps.push(path.join(dir, 'Vigil.app'));
  }
  return apps.filter((p) => existsSync(p));
}

async function main(args) {
  const apps = args.length > 0 ? args : packagedApps();
  if (apps.length === 0) {
    console.error('check-fuses: no packaged app found in release/ (run `npm run package` first, or name the binary).');
    return 2;
  }
  const expected = configuredFuses();
  let failed = false;
  for (const app of apps) {
    let problems;
    try {
      problems = await fuseDifferences(app, expected);
    } catch (e) {
      problems = [`cannot read its fuses: ${e instanceof Error ? e.message : String(e)}`];
    }
    if (problems.length === 0) console.log(`check-fuses: ${app}: all ${Object.keys(expected).length} fuses match electron-builder.yml`);
    for (const p of problems) console.error(`check-fuses: ${app}: ${p}`);
    failed ||= problems.length > 0;
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
