// `npm run build [-- --production]`: bundles the Electron main process and the preload with esbuild and the
// renderer with vite (vite.config.ts), into out/. Also imported by scripts/start.mjs.
import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Loaded from node_modules at run time, never bundled: native code, or Electron itself. */
export const MAIN_EXTERNALS = ['electron', 'better-sqlite3', 'uiohook-napi', 'systeminformation', 'vigil-native'];

/** Electron's own Node version decides the syntax target. */
function electronNodeTarget() {
  const { version } = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8'));
  const major = Number(version.split('.')[0]);
  // Electron 45 ships Node 22; older majors are not supported by this project.
  return major >= 33 ? 'node22' : 'node20';
}

/**
 * Build-time constants (src-main/shell/build-mode.ts). A production build requires signed
 * configuration, refuses development flags and never falls back to a default policy,
 * whatever app.isPackaged says (a renamed binary is not packaged). The institution key can
 * be baked in from the file named by VIGIL_INSTITUTION_PUB.
 */
export function buildDefines({ production = false, institutionPubFile = process.env.VIGIL_INSTITUTION_PUB || null } = {}) {
  let pem = null;
  if (institutionPubFile) {
    try {
      pem = readFileSync(institutionPubFile, 'utf8');
    } catch (e) {
      throw new Error(`VIGIL_INSTITUTION_PUB=${institutionPubFile} cannot be read (${e.code ?? e}); point it at the institution.pub from \`npm run admin -- keygen\``);
    }
    let type;
    try {
      type = createPublicKey(pem).asymmetricKeyType;
    } catch (e) {
      throw new Error(`VIGIL_INSTITUTION_PUB=${institutionPubFile} is not a PEM public key (${e.message})`);
    }
    if (type !== 'ed25519') throw new Error(`VIGIL_INSTITUTION_PUB=${institutionPubFile} is a ${type} key; Vigil needs the Ed25519 institution.pub`);
  }
  return { __VIGIL_PRODUCTION__: JSON.stringify(production), __VIGIL_INSTITUTION_PUB__: JSON.stringify(pem) };
}

export async function buildMain(outRoot = path.join(root, 'out'), options = {}) {
  await esbuild.build({
    define: buildDefines(options),
    entryPoints: [path.join(root, 'src-main/shell/main.ts')],
    outfile: path.join(outRoot, 'main/main.js'),
    bundle: true,
    platform: 'node',
    // ESM: package.json says "type": "module", so out/main/main.js is loaded as ESM, which
    // Electron supports for the main process since 28.
    format: 'esm',
    target: electronNodeTarget(),
    external: MAIN_EXTERNALS,
    // Bundled CommonJS dependencies may call require(); ESM has none, so give them one.
    banner: {
      js: "import { createRequire as __vigilCreateRequire } from 'node:module';\nconst require = __vigilCreateRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

export async function buildPreload(outRoot = path.join(root, 'out')) {
  // preload.cjs for the exam window, review-preload.cjs for the proctor's review window.
  const entries = [
    ['src-main/shell/preload.ts', 'preload/preload.cjs'],
    ['src-main/shell/review-preload.ts', 'preload/review-preload.cjs'],
  ];
  await Promise.all(
    entries.map(([entry, out]) =>
      esbuild.build({
        entryPoints: [path.join(root, entry)],
        outfile: path.join(outRoot, out),
        bundle: true,
        // A sandboxed preload is one CommonJS file whose require() knows only electron and a
        // few Node polyfills: everything else must be inside the bundle.
        platform: 'node',
        format: 'cjs',
        target: electronNodeTarget(),
        external: ['electron'],
        minify: true,
        sourcemap: false,
        logLevel: 'warning',
      }),
    ),
  );
}

export function buildRenderer() {
  const viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status ?? r.signal})`);
}

export async function build(options = {}) {
  const started = Date.now();
  await Promise.all([buildMain(undefined, options), buildPreload()]);
  buildRenderer();
  const size = (p) => `${(statSync(path.join(root, p)).size / 1024).toFixed(0)} KiB`;
  console.log(
    `build (${options.production ? 'production' : 'development'}): out/main/main.js ${size('out/main/main.js')}, out/preload/preload.cjs ${size('out/preload/preload.cjs')}, ` +
      `out/renderer ready (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `--production` (npm run package): the build IT installs; plain `npm run build` is for development.
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--production');
  if (unknown.length > 0) {
    console.error(`npm run build: unknown argument ${unknown.join(' ')} (only --production)`);
    process.exit(2);
  }
  build({ production: args.includes('--production') }).catch((e) => {
    // esbuild has already printed the located errors; one line says what stopped.
    console.error(`npm run build: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    process.exit(1);
  });
}
