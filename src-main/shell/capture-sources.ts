import type { RawEventSource } from '../contract';
import { InputHook } from '../capture/input-hook';
import { SystemSampler } from '../capture/system-sampler';

/**
 * The OS-level event producers for a real exam: keyboard and mouse (uiohook-napi) and CPU
 * and network load. The session starts them and reports any that cannot run (no X display,
 * hook refused) as a notice and in the audit; the exam goes on without them.
 */
export function createCaptureSources(log: (line: string) => void): RawEventSource[] {
  return [
    new InputHook({ log: (m) => log(`capture: ${m}`) }),
    new SystemSampler({ log: (m) => log(`capture: ${m}`) }),
  ];
}
