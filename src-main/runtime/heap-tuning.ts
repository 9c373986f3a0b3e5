import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags for the engine's process, set on import (import this module first).
 *
 * Measured with `npm run bench` (a simulated 3-hour exam, 3 seeds, RSS at 180 minutes):
 * the heap in use after GC stays at about 9 MiB, but with V8's defaults RSS climbed from
 * about 70 MiB to 85 MiB in the first hour and stayed there, above the 80 MiB budget. The
 * climb is V8's young generation: every short-lived allocation (an event, a package, a
 * snapshot, a JSON text) lands in the semi-spaces, and the scavenger, seeing survivors,
 * doubles them up to 16 MiB each; once every page of both has been written they all count
 * in RSS, though almost nothing in them is alive. An exam engine allocates a steady trickle,
 * not bursts, so it gains nothing from large semi-spaces:
 *   defaults 85 MiB; --semi-space-growth-factor=1 alone 77 MiB; --optimize-for-size alone
 *   72 MiB; both 70-71 MiB.
 * The price, measured with the orchestrator benchmark (`node <flags> --import tsx
 * test/bench/run.ts`): the growth factor costs nothing; --optimize-for-size (less eager
 * optimisation) takes scoring from about 23,000 to about 16,000 packages per CPU-second.
 * An exam produces one package every 5 s, so that is still ~80,000 times what is needed,
 * and the simulated 3-hour exam used no more CPU time with the flags than without.
 * `--max-semi-space-size` would be the direct knob, but V8 reads it only when the heap is
 * created (the command line), which Electron's main process does not take from the app;
 * these two are read as the heap works, so setting them here, first, takes effect.
 */
export const HEAP_FLAGS = ['--optimize-for-size', '--semi-space-growth-factor=1'] as const;

for (const flag of HEAP_FLAGS) setFlagsFromString(flag);
