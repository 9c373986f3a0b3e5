// `npm start [-- --server-url http://127.0.0.1:PORT ...]`: build, make sure an Electron
// binary and an Electron-ABI better-sqlite3 exist, then launch the app with the demo exam.
// Every way this can fail offline ends in ONE line saying what is missing, exit status 1.
//
// VIGIL_PREPARE_ONLY=1 stops before launching and prints one JSON line
// {"electron": <binary>, "nativeBinding": <.node>}; the Playwright suite uses it.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const electronDir = path.dirname(require.resolve('electron/package.json'));
const electronVersion = JSON.parse(readFileSync(path.join(electronDir, 'package.json'), 'utf8')).version;

class StartError extends Error {}

/** The executable's path inside dist/, as node_modules/electron/install.js names it. */
function platformExecutable() {
  switch (process.platform) {
    case 'darwin':
      return 'Electron.app/Contents/MacOS/Electron';
    case 'win32':
      return 'electron.exe';
    default:
      return 'electron';
  }
}

/**
 * Where the Electron binary is, or null. Mirrors node_modules/electron/index.js without
 * requiring it: that module downloads on require and throws a stack trace when it cannot.
 */
function findElectronBinary() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const exe = path.join(override, platformExecutable());
    return existsSync(exe) ? exe : null;
  }
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const exe = path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(exe) ? exe : null;
}

/** Whether `url`'s host answers; the network error code when it does not. */
async function unreachable(url) {
  try {
    await fetch(new URL(url).origin, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
    return null;
  } catch (e) {
    return `${new URL(url).host} unreachable (${e?.cause?.code ?? e?.cause?.message ?? e?.message})`;
  }
}

const firstLine = (text) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('at ')) ?? 'no output';

/** Why the Electron download failed, in a few words, with the network cause if that is it. */
async function downloadFailureReason(output) {
  const first = firstLine(output);
  if (!/fetch failed|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|network/i.test(first)) return first;
  const down = await unreachable(process.env.ELECTRON_MIRROR || process.env.npm_config_electron_mirror || 'https://github.com/');
  return down ? `${first}: ${down}` : first;
}

/** Why electron-rebuild failed: node-gyp's own diagnosis when it gave one. */
async function rebuildFailureReason(output) {
  if (/network connectivity/i.test(output)) {
    const down = await unreachable(process.env.ELECTRON_REBUILD_DIST_URL || 'https://www.electronjs.org/headers');
    return `Electron's headers could not be downloaded${down ? `: ${down}` : ''}`;
  }
  const gyp = /gyp ERR! stack Error: (.+)/.exec(output) ?? /gyp ERR! (?:not ok|find \w+)?\s*(.+)/.exec(output);
  if (gyp?.[1]) return gyp[1].trim();
  const errors = output.split('\n').filter((l) => /^\s*Error: /.test(l));
  return (errors[0] ?? firstLine(output)).trim();
}

async function ensureElectronBinary() {
  const found = findElectronBinary();
  if (found) return found;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    throw new StartError(
      `npm start: ELECTRON_OVERRIDE_DIST_PATH=${process.env.ELECTRON_OVERRIDE_DIST_PATH} has no ${platformExecutable()}.`,
    );
  }
  console.log(`npm start: downloading the Electron ${electronVersion} binary (once)...`);
  const r = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
    cwd: electronDir,
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  const exe = r.status === 0 ? findElectronBinary() : null;
  if (exe) return exe;
  const reason = r.error ? r.error.message : await downloadFailureReason(`${r.stderr ?? ''}\n${r.stdout ?? ''}`);
  throw new StartError(
    `npm start: could not download the Electron ${electronVersion} binary (${reason}). ` +
      'Electron needs network access to its release host once; the tests do not need it.',
  );
}

/**
 * better-sqlite3 built for Electron's ABI, in out/native/electron-<version>/. It is built
 * from a copy of the package so node_modules/better-sqlite3/build stays Node's (the tests
 * load that one). uiohook-napi needs no rebuild: it is N-API, one binary for Node and
 * Electron alike.
 */
async function ensureElectronSqlite() {
  const target = path.join(root, 'out', 'native', `electron-${electronVersion}`, 'better_sqlite3.node');
  const abi = readFileSync(path.join(electronDir, 'abi_version'), 'utf8').trim();
  if (existsSync(target) && builtForAbi(target, abi)) return target;

  const sourcePkg = path.dirname(require.resolve('better-sqlite3/package.json'));
  const sqliteVersion = JSON.parse(readFileSync(path.join(sourcePkg, 'package.json'), 'utf8')).version;
  const work = path.join(root, 'out', 'native', `build-electron-${electronVersion}`);
  rmSync(work, { recursive: true, force: true });
  const copy = path.join(work, 'node_modules', 'better-sqlite3');
  cpSync(sourcePkg, copy, {
    recursive: true,
    filter: (src) => path.relative(sourcePkg, src).split(path.sep)[0] !== 'build',
  });
  writeFileSync(
    path.join(work, 'package.json'),
    JSON.stringify({ name: 'vigil-electron-native', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }),
  );
  console.log(`npm start: building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (ABI ${abi}, once)...`);
  // ~/.npmrc here sets nodedir=/usr, which npm exports as npm_config_nodedir; node-gyp
  // would then silently build against Node's headers instead of Electron's.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_nodedir$/i.test(k)));
  // The CLI in a child process, output captured: node-gyp's stack traces stay out of the
  // terminal and the one line below says what went wrong.
  const cli = path.join(root, 'node_modules', '@electron', 'rebuild', 'lib', 'cli.js');
  const r = spawnSync(
    process.execPath,
    [cli, '--version', electronVersion, '--module-dir', work, '--only', 'better-sqlite3', '--force', '--sequential'],
    { cwd: work, env, encoding: 'utf8', timeout: 20 * 60_000 },
  );
  if (r.status !== 0) {
    const reason = r.error ? r.error.message : await rebuildFailureReason(`${r.stderr ?? ''}\n${r.stdout ?? ''}`);
    writeFileSync(path.join(work, 'rebuild.log'), `${r.stdout ?? ''}\n${r.stderr ?? ''}`);
    throw new StartError(
      `npm start: could not build better-sqlite3 for Electron ${electronVersion} (${reason}). ` +
        "It needs Electron's headers from electronjs.org once; the tests do not need them. Full log: " +
        path.relative(root, path.join(work, 'rebuild.log')),
    );
  }
  const built = path.join(copy, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(built)) throw new StartError(`npm start: the better-sqlite3 build produced no ${built}.`);
  if (!builtForAbi(built, abi)) {
    throw new StartError(`npm start: better-sqlite3 was built, but not for Electron's ABI ${abi}; see ${work}.`);
  }
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(built, target);
  return target;
}

/**
 * Node cannot load an addon built for another ABI and names the ABI it was built for: that
 * refusal is our evidence the file is Electron's. A file Node loads is Node's (wrong); one
 * that names another ABI is wrong too; any other refusal proves nothing either way.
 */
function builtForAbi(file, abi) {
  try {
    process.dlopen({ exports: {} }, file);
    return false;
  } catch (e) {
    const named = /was compiled against a different Node\.js version using\s+NODE_MODULE_VERSION (\d+)/.exec(
      String(e?.message),
    );
    return named ? named[1] === abi : true;
  }
}

async function main() {
  const forwarded = process.argv.slice(2);
  try {
    await build();
  } catch (e) {
    throw new StartError(`npm start: the build failed (${e instanceof Error ? e.message.split('\n')[0] : String(e)}).`);
  }
  const electron = await ensureElectronBinary();
  const nativeBinding = await ensureElectronSqlite();
  if (process.env.VIGIL_PREPARE_ONLY === '1') {
    console.log(JSON.stringify({ electron, nativeBinding }));
    return;
  }
  // The app folder (package.json "main" -> out/main/main.js), so app.getAppPath() is the
  // repo root and assets/ and out/renderer resolve as they do inside the packaged asar.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would start Electron as plain Node
  const child = spawn(electron, [root, `--native-binding=${nativeBinding}`, ...forwarded], { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((e) => {
  console.error(e instanceof StartError ? e.message : `npm start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
