/**
 * Constants the bundler writes in (scripts/build.mjs `define`). They are what makes an
 * installed Vigil strict, not app.isPackaged alone: renaming the binary `electron` makes
 * isPackaged false, but cannot change what was compiled in.
 */
declare const __VIGIL_PRODUCTION__: boolean | undefined;
declare const __VIGIL_INSTITUTION_PUB__: string | null | undefined;

/** True in the build IT installs (`npm run package`). Unbundled code (tsx, tests) is development. */
export const PRODUCTION_BUILD: boolean = typeof __VIGIL_PRODUCTION__ === 'boolean' && __VIGIL_PRODUCTION__;

/** The institution's public key (PEM) baked in at build time, or null. */
export const BUILT_IN_INSTITUTION_KEY: string | null =
  typeof __VIGIL_INSTITUTION_PUB__ === 'string' ? __VIGIL_INSTITUTION_PUB__ : null;

/** Production rules apply to a production build, and to any packaged app (fail closed). */
export const isProduction = (isPackaged: boolean): boolean => PRODUCTION_BUILD || isPackaged;
