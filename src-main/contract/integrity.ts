import { z } from 'zod';
import type { ProhibitedCategory, SystemSurface } from './policy-integrity';

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
