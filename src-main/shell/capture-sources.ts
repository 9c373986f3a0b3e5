import type { IntegritySource, RawEventSource } from '../contract';
import type { IntegrityPolicy } from '../contract/policy-integrity';
import { InputHook } from '../capture/input-hook';
import { IntegrityMonitor } from '../capture/integrity/integrity-monitor';
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

/**
 * The OS watcher (foreground, injected input, displays), process watch and environment
 * probes as one integrity source; what cannot run reports capture_unavailable itself.
 */
export function createIntegritySource(policy: IntegrityPolicy): IntegritySource {
  const monitor = new IntegrityMonitor(policy);
  return { name: 'OS integrity watcher', start: (emit) => monitor.start(emit), stop: () => monitor.stop() };
}
