import type { IntegrityPolicy, RawEventSource } from '../contract';
import { InputHook } from '../capture/input-hook';
import { IntegritySource } from '../capture/integrity/integrity-source';
import { SystemSampler } from '../capture/system-sampler';

/**
 * The OS-level event producers for a real exam: keyboard and mouse (uiohook-napi), CPU
 * and network load, and the integrity monitor (foreground app, prohibited apps, injected
 * input, displays, VM, remote session). The session starts them and reports any that cannot
 * run (no X display, hook refused) as a notice and in the audit; the exam goes on without
 * them. What the integrity monitor cannot watch it reports itself (capture_unavailable).
 */
export function createCaptureSources(log: (line: string) => void, integrity: IntegrityPolicy): RawEventSource[] {
  return [
    new InputHook({ log: (m) => log(`capture: ${m}`) }),
    new SystemSampler({ log: (m) => log(`capture: ${m}`) }),
    new IntegritySource(integrity, { log: (m) => log(`capture: ${m}`) }),
  ];
}

