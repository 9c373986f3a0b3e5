import { z } from 'zod';
import { PROHIBITED_CATEGORIES } from './policy-integrity';

/**
 * What the OS-level integrity capture observes (src-main/capture/integrity), one value per
 * happening. `kind` and the named fields are the `integrity watch` contract; the rest is
 * evidence. Defined here, once, because the audit log keeps them (one schema per row kind)
 * and the proctor review and system-check screen read them.
 */

export const DisplaySchema = z
  .object({
    name: z.string(),
    /** X11: the X screen; separate screens have separate coordinates, so they never mirror each other. */
    screen: z.number().int(),
    x: z.number(),
    y: z.number(),
    width: z.number(),
    height: z.number(),
    primary: z.boolean(),
    /** Outputs showing this display: more than one is a mirror. */
    outputs: z.number().int().min(0),
    mirrored: z.boolean(),
  })
  .strict();
export type Display = z.infer<typeof DisplaySchema>;

const t = z.number();

export const IntegrityObservationSchema = z.discriminatedUnion('kind', [
  z
    .object({
      t,
      kind: z.literal('foreground_changed'),
      /** null: the window does not say (no _NET_WM_PID), or nothing has focus (window 0). */
      pid: z.number().int().nullable(),
      executable: z.string().nullable(),
      appClass: z.string().nullable(),
      title: z.string().nullable(),
      window: z.number(),
    })
    .strict(),
  z
    .object({
      t,
      kind: z.literal('prohibited_app'),
      pid: z.number().int(),
      executable: z.string().nullable(),
      name: z.string(),
      category: z.enum(PROHIBITED_CATEGORIES),
      /** The policy entry that matched, and what it matched. */
      entry: z.string(),
      via: z.enum(['executable_path', 'executable_name', 'comm', 'argv0', 'tracer_pid']),
    })
    .strict(),
  z
    .object({
      t,
      kind: z.literal('synthetic_input'),
      device: z.string(),
      /** Injected key presses + button presses + motions in this report. */
      count: z.number().int().min(0),
      keys: z.number().int().min(0),
      buttons: z.number().int().min(0),
      motions: z.number().int().min(0),
      /** How it is known to be injected: the X server's XTEST device, a kernel uinput device, or the OS flag. */
      injectedBy: z.enum(['xtest', 'uinput', 'os']),
      /** The policy's accommodation that covers it, if any (then it is logged, not held against anyone). */
      allowedBy: z.string().nullable(),
    })
    .strict(),
  z
    .object({ t, kind: z.literal('display_changed'), displays: z.array(DisplaySchema), count: z.number().int().min(0), mirrored: z.boolean() })
    .strict(),
  z.object({ t, kind: z.literal('virtual_machine'), evidence: z.array(z.string()) }).strict(),
  z.object({ t, kind: z.literal('remote_session'), evidence: z.array(z.string()) }).strict(),
  z
    .object({
      t,
      kind: z.literal('capture_unavailable'),
      /** What cannot be watched: native, foreground, synthetic_input, displays, processes, wayland, or a probe name. */
      what: z.string(),
      reason: z.string(),
    })
    .strict(),
  /** Electron's powerMonitor, through the shell: sleep, wake and screen lock (the desktop's own surface, not a departure to charge). */
  z.object({ t, kind: z.literal('power'), event: z.enum(['suspend', 'resume', 'lock-screen', 'unlock-screen']) }).strict(),
]);
export type IntegrityObservation = z.infer<typeof IntegrityObservationSchema>;
export type IntegrityObservationKind = IntegrityObservation['kind'];
