import type { ProhibitedCategory } from '../../contract/policy-integrity';
import type { NativeDisplay } from './native-addon';
import type { ProhibitedMatch } from './prohibited-matcher';

/**
 * What the OS-level integrity capture observes, one value per happening. `kind` and the
 * named fields are the `integrity watch` contract; extra fields are evidence.
 */
export type IntegrityObservation =
  | {
      t: number;
      kind: 'foreground_changed';
      /** null: the window does not say (no _NET_WM_PID), or nothing has focus (window 0). */
      pid: number | null;
      executable: string | null;
      appClass: string | null;
      title: string | null;
      window: number;
    }
  | {
      t: number;
      kind: 'prohibited_app';
      pid: number;
      executable: string | null;
      name: string;
      category: ProhibitedCategory;
      entry: string;
      via: ProhibitedMatch['via'] | 'tracer_pid';
    }
  | {
      t: number;
      kind: 'synthetic_input';
      device: string;
      /** Injected key presses + button presses + motions in this report. */
      count: number;
      keys: number;
      buttons: number;
      motions: number;
      /** How it is known to be injected: the X server's XTEST device, a kernel uinput device, or the OS flag. */
      injectedBy: 'xtest' | 'uinput' | 'os';
      /** The policy's accommodation that covers it, if any (then it is logged, not held against anyone). */
      allowedBy: string | null;
    }
  | { t: number; kind: 'display_changed'; displays: NativeDisplay[]; count: number; mirrored: boolean }
  | { t: number; kind: 'virtual_machine'; evidence: string[] }
  | { t: number; kind: 'remote_session'; evidence: string[] }
  | {
      t: number;
      kind: 'capture_unavailable';
      /** What cannot be watched: native, foreground, synthetic_input, displays, processes, wayland, or a probe name. */
      what: string;
      reason: string;
    };

export type IntegrityObservationKind = IntegrityObservation['kind'];
export type ObservationSink = (o: IntegrityObservation) => void;
