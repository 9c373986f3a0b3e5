// scripts/check-fuses.mjs is what fails the release workflow when a packaged app's fuses
// drift from electron-builder.yml. No Electron binary exists here, so it is exercised on a
// file carrying the same fuse wire (sentinel, version, length, states) that
// @electron/fuses itself flips.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs script without type declarations
import { FUSE_POSITIONS, configuredFuses, fuseDifferences } from '../../../scripts/check-fuses.mjs';

const require = createRequire(import.meta.url);
const fuses = require('@electron/fuses') as {
  flipFuses(p: string, c: Record<string, unknown>): Promise<number>;
  FuseVersion: { V1: string };
};
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const dir = mkdtempSync(path.join(tmpdir(), 'vigil-fuses-'));

/** A stand-in binary: some bytes, the fuse wire with every fuse enabled (Electron's defaults vary), more bytes. */
function fakeElectron(name: string, length = 8): string {
  const file = path.join(dir, name);
  writeFileSync(file, Buffer.concat([Buffer.alloc(100, 7), Buffer.from(SENTINEL), Buffer.from([1, length]), Buffer.alloc(length, 49), Buffer.alloc(100, 7)]));
  return file;
}

/** Flips the fuses the way electron-builder does, from the yml's block. */
async function flipFromConfig(file: string, config: Record<string, boolean>): Promise<void> {
  const wire: Record<string, unknown> = { version: fuses.FuseVersion.V1 };
  for (const [name, value] of Object.entries(config)) wire[FUSE_POSITIONS[name]] = value;
  await fuses.flipFuses(file, wire);
}

describe('check-fuses', () => {
  const expected = configuredFuses() as Record<string, boolean>;

  it('reads every fuse from electron-builder.yml', () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(FUSE_POSITIONS).sort());
    expect(expected.runAsNode).toBe(false);
  });

  it('passes a binary flipped as configured', async () => {
    const file = fakeElectron('good');
    await flipFromConfig(file, expected);
    expect(await fuseDifferences(file, expected)).toEqual([]);
  });

  it('names a fuse that differs', async () => {
    const file = fakeElectron('drifted');
    await flipFromConfig(file, { ...expected, runAsNode: true });
    expect(await fuseDifferences(file, expected)).toEqual(['runAsNode: config says disabled, binary has enabled']);
  });

  it('fails on a binary never flipped, and on a fuse the config does not decide', async () => {
    const unflipped = fakeElectron('unflipped');
    expect((await fuseDifferences(unflipped, expected)).length).toBeGreaterThan(3);
    const longer = fakeElectron('longer', 9);
    await flipFromConfig(longer, expected);
    expect(await fuseDifferences(longer, expected)).toEqual(['fuse #8 (enabled) is not set by electron-builder.yml; decide it there']);
  });

  it("agrees with @electron/fuses' own state bytes", () => {
    const { FuseState, SENTINEL: theirs } = require('@electron/fuses/dist/constants.js') as { FuseState: Record<string, number>; SENTINEL: string };
    expect(theirs).toBe(SENTINEL);
    expect([FuseState.DISABLE, FuseState.ENABLE, FuseState.REMOVED, FuseState.INHERIT]).toEqual([0x30, 0x31, 0x72, 0x90]);
  });

  it('fails closed on a file that is not Electron', async () => {
    const file = path.join(dir, 'not-electron');
    writeFileSync(file, 'hello');
    await expect(fuseDifferences(file, expected)).rejects.toThrow(/sentinel/);
    expect(readFileSync(file, 'utf8')).toBe('hello');
  });
});
