// `npm run build`: bundles the Electron main process and the preload with esbuild and the
// renderer with vite (vite.config.ts), into out/. Also imported by scripts/start.mjs.
import { spawnSync } from 'node:child_process';
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

export async function buildMain(outRoot = path.join(root, 'out')) {
  await esbuild.build({
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

export async function build() {
  const started = Date.now();
  await Promise.all([buildMain(), buildPreload()]);
  buildRenderer();
  const size = (p) => `${(statSync(path.join(root, p)).size / 1024).toFixed(0)} KiB`;
  console.log(
    `build: out/main/main.js ${size('out/main/main.js')}, out/preload/preload.cjs ${size('out/preload/preload.cjs')}, ` +
      `out/renderer ready (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  build().catch((e) => {
    // esbuild has already printed the located errors; one line says what stopped.
    console.error(`npm run build: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    process.exit(1);
  });
}
