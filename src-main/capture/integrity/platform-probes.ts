import type { NativeAddon } from './native-addon';
import { linuxRemoteProbe, linuxVmProbe, nativeRemoteProbe, portableVmProbe, type Probe, tracerProbe } from './environment-probes';

/** The environment probes for this platform (displays come from the OS watcher or xrandr). */
export function platformProbes(
  env: NodeJS.ProcessEnv,
  processNames: () => { pid: number; name: string }[],
  addon: NativeAddon | null,
): Probe[] {
  if (process.platform === 'linux') return [linuxVmProbe, linuxRemoteProbe(env, processNames), tracerProbe()];
  return [portableVmProbe, nativeRemoteProbe(env, addon ? () => addon.remoteSessionFlag() : null), tracerProbe()];
}
