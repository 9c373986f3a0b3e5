import { z } from 'zod';
import type { ProhibitedCategory, SystemSurface } from './policy-integrity';

/**
 * What the OS around the exam reports to the session: the OS watcher's observations
 * (capture/integrity emits exactly these shapes; session/integrity-port.ts holds the two
 * together at compile time) and the shell's power and display events. Extra fields are
 * evidence and are kept in the audit.
 */
export type IntegrityObservation =
  | {
      t: number;
      kind: 'foreground_changed';
      /** null: the window does not say, or nothing has focus. */
      pid: number | null;
      executable: string | null;
      appClass: string | null;
      title: string | null;
    }
  | { t: number; kind: 'prohibited_app'; pid: number; executable: string | null; name: string; category: ProhibitedCategory }
  | {
      t: number;
      kind: 'synthetic_input';
      device: string;
      /** Injected events in this report. */
      count: number;
      /** The policy's accommodation that covers it (logged, never held against anyone). */
      allowedBy: string | null;
    }
  | { t: number; kind: 'display_changed'; count: number; mirrored: boolean }
  | { t: number; kind: 'virtual_machine'; evidence: string[] }
  | { t: number; kind: 'remote_session'; evidence: string[] }
  | { t: number; kind: 'capture_unavailable'; what: string; reason: string }
  /** Electron's powerMonitor, through the shell. */
  | { t: number; kind: 'power'; event: 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen' };

export type IntegrityObservationKind = IntegrityObservation['kind'];

/** A producer of integrity observations the session starts and stops (the OS watcher, the shell's power events). */
export interface IntegritySource {
  readonly name: string;
  start(emit: (o: IntegrityObservation) => void): void;
  stop(): void;
}

/** What took focus from the exam, as far as anyone could tell. */
export type FocusTarget =
  | { kind: 'prohibited_app'; name: string; category: ProhibitedCategory }
  | { kind: 'system_surface'; surface: SystemSurface; name: string }
  | { kind: 'unknown_app'; name: string | null };

/** One stretch of time away from the exam window, seen by the page, the OS watcher, or both. */
export interface Departure {
  from: number;
  to: number;
  /** The most telling target seen while away (a prohibited app over an unknown one over a system surface). */
  target: FocusTarget;
  seenBy: ('page' | 'os' | 'screen_lock')[];
}

/** One finding of the pre-exam system check, as the student sees it. */
export const SystemCheckFindingSchema = z.object({
  kind: z.string().min(1),
  /** `block`: the exam cannot start until it is fixed; `warn`: it may start, with the finding on record. */
  severity: z.enum(['block', 'warn']),
  message: z.string().min(1),
});
export type SystemCheckFinding = z.infer<typeof SystemCheckFindingSchema>;

export const SystemCheckReportSchema = z.object({
  at: z.number(),
  /** No finding blocks the exam. */
  ok: z.boolean(),
  findings: z.array(SystemCheckFindingSchema),
});
export type SystemCheckReport = z.infer<typeof SystemCheckReportSchema>;

/** The "return to the exam" warning: shown before a violation costs anything. */
export interface ReturnWarning {
  id: string;
  at: number;
  message: string;
  /** Warnings left before the next violation costs points. */
  warningsLeft: number;
}
