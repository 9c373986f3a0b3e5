/**
 * The capture layer as the app runs it, in a process of its own so the integrity bench can
 * measure its CPU time: keyboard and mouse (uiohook-napi), the system sampler, and the
 * integrity monitor (native OS watcher, process watch, environment probes). Prints each
 * integrity observation with the wall time its callback ran; ends when stdin closes.
 */
import { InputHook } from '../../src-main/capture/input-hook';
import { IntegrityMonitor } from '../../src-main/capture/integrity/integrity-monitor';
import { SystemSampler } from '../../src-main/capture/system-sampler';
import { defaultPolicy } from '../../src-main/contract/policy';

const parts = (process.env.VIGIL_BENCH_PARTS ?? 'input,system,integrity').split(',');
let rawEvents = 0;
const input = parts.includes('input') ? new InputHook() : null;
const system = parts.includes('system') ? new SystemSampler() : null;
const monitor = parts.includes('integrity') ? new IntegrityMonitor(defaultPolicy().integrity) : null;
input?.start(() => rawEvents++);
system?.start(() => rawEvents++);
monitor?.start((o) => process.stdout.write(JSON.stringify({ ...o, emittedAt: Date.now() }) + '\n'));
process.stdout.write(JSON.stringify({ kind: 'ready' }) + '\n');
process.stdin.on('data', () => {});
process.stdin.on('end', () => {
  monitor?.stop();
  system?.stop();
  input?.stop();
  process.stdout.write(JSON.stringify({ kind: 'stopped', rawEvents, scanner: monitor?.processWatch.scannerStats }) + '\n');
  process.exit(0);
});
