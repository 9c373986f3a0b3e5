import { z } from 'zod';
import type { IntegrityObservation } from './integrity-observation';

/**
 * Key identity is reduced to a category at the capture boundary; characters never leave
 * capture (ARCHITECTURE.md, "Storage and upload").
 */
export const KEY_CATEGORIES = [
  'letter',
  'digit',
  'space',
  'backspace',
  'modifier',
  'navigation',
  'other',
] as const;
export const KeyCategorySchema = z.enum(KEY_CATEGORIES);
export type KeyCategory = z.infer<typeof KeyCategorySchema>;

/**
 * One keystroke as it flows past capture: timing, category and a coarse zone (see
 * src-main/capture/key-classes.ts). Every letter shares one zone: finger-column zones let a
 * word decoder recover 94% of typed words (the T9 effect), one zone leaves only word
 * lengths, and the typist model loses about half a point of equal-error rate for it.
 */
export const KeystrokeSampleSchema = z.object({
  category: KeyCategorySchema,
  zone: z.number().int().min(0).max(15),
  /** Press time, ms (epoch or the replay's own timeline). */
  down: z.number(),
  /** Release time, ms. */
  up: z.number(),
});
export type KeystrokeSample = z.infer<typeof KeystrokeSampleSchema>;

/** Raw events produced by capture/ (or by the renderer, for focus and clipboard). */
export type RawEvent =
  | { kind: 'key'; sample: KeystrokeSample }
  | { kind: 'mouse-move'; t: number; x: number; y: number }
  | { kind: 'system'; t: number; cpuLoadPercent: number; netRxBytesPerSec: number; netTxBytesPerSec: number }
  | { kind: 'focus'; t: number; focused: boolean }
  | { kind: 'clipboard'; t: number; action: 'copy' | 'paste'; external: boolean }
  /** OS-level integrity (foreground app, prohibited apps, injected input, displays, VM, remote session). */
  | { kind: 'integrity'; t: number; observation: IntegrityObservation };

/**
 * One window of activity. Field names follow the seed's `/predict` request where they
 * overlap (mean_dwell -> meanDwellMs, tab_switch_count -> focusLosses, ...).
 */
export const ActivityPackageSchema = z.object({
  schemaVersion: z.literal(1),
  sessionId: z.string().min(1),
  /** 0-based index of the window within the session. */
  sequence: z.number().int().min(0),
  startedAt: z.number(),
  endedAt: z.number(),
  keystrokeCount: z.number().int().min(0),
  meanDwellMs: z.number(),
  stdDwellMs: z.number(),
  meanFlightMs: z.number(),
  stdFlightMs: z.number(),
  backspaceRatio: z.number().min(0).max(1),
  meanMouseSpeed: z.number().min(0), // px per second
  mouseMoveCount: z.number().int().min(0),
  inactivityMs: z.number().min(0),
  focusLosses: z.number().int().min(0),
  unfocusedMs: z.number().min(0),
  copyEvents: z.number().int().min(0),
  pasteEvents: z.number().int().min(0),
  externalPasteEvents: z.number().int().min(0),
  cpuLoadPercent: z.number().min(0).max(100).nullable(),
  netRxBytesPerSec: z.number().min(0).nullable(),
  netTxBytesPerSec: z.number().min(0).nullable(),
  /** The keystrokes of this window (timing, category, zone only), for the typist model. */
  keystrokes: z.array(KeystrokeSampleSchema),
});
export type ActivityPackage = z.infer<typeof ActivityPackageSchema>;

/**
 * A producer of raw events (keyboard + mouse hook, system sampler, foreground watcher).
 * The session starts and stops them; a source that cannot run throws from start() with a
 * message a person can act on.
 */
export interface RawEventSource {
  readonly name: string;
  start(emit: (event: RawEvent) => void): void;
  stop(): void;
}
