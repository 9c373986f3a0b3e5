import { describe, expect, it } from 'vitest';
import { createKernelCounterProbe } from '../../../src-main/capture/system-probe';

const core = (user: number, sys: number, idle: number) => ({ times: { user, nice: 0, sys, idle, irq: 0 } });

/** A fake kernel: the test sets the counters, the probe reads them. */
function kernel() {
  const state = {
    cores: [core(0, 0, 0)],
    ifaces: ['eth0'] as string[],
    counters: new Map<string, number>(),
    now: 0,
  };
  const probe = createKernelCounterProbe({
    cpus: () => state.cores,
    interfaces: () => state.ifaces,
    readCounter: async (path) => {
      const v = state.counters.get(path);
      if (v === undefined) throw new Error(`ENOENT ${path}`);
      return `${v}\n`;
    },
    now: () => state.now,
  });
  const set = (name: string, rx: number, tx: number) => {
    state.counters.set(`/sys/class/net/${name}/statistics/rx_bytes`, rx);
    state.counters.set(`/sys/class/net/${name}/statistics/tx_bytes`, tx);
  };
  return { state, probe, set };
}

describe('kernel counter probe', () => {
  it('computes CPU load over all cores and byte rates since the previous reading', async () => {
    const { state, probe, set } = kernel();
    state.cores = [core(100, 50, 850), core(300, 0, 700)];
    set('eth0', 1_000, 500);
    const first = await probe();
    expect(first.cpuLoadPercent).toBe(22.5); // since boot: 450 busy of 2000
    expect(first.net).toBeNull(); // no previous counters yet
    state.cores = [core(200, 50, 950), core(400, 100, 700)]; // +100+0 busy/+100 idle, +100+100 busy
    state.now = 5_000;
    set('eth0', 11_000, 3_000);
    const second = await probe();
    expect(second.cpuLoadPercent).toBe(75); // 300 busy of 400
    expect(second.net).toEqual({ rxBytesPerSec: 2_000, txBytesPerSec: 500 });
  });

  it('sums interfaces, and leaves out new ones, vanished ones and counter resets', async () => {
    const { state, probe, set } = kernel();
    state.ifaces = ['eth0', 'wlan0'];
    set('eth0', 0, 0);
    set('wlan0', 1_000_000, 1_000_000);
    await probe();
    state.now = 2_000;
    state.ifaces = ['eth0', 'wlan0', 'usb0', 'gone0'];
    set('eth0', 4_000, 2_000);
    set('wlan0', 10, 10); // re-created: counter went backwards
    set('usb0', 9_999, 9_999); // new tether: no rate yet
    const r = await probe();
    expect(r.net).toEqual({ rxBytesPerSec: 2_000, txBytesPerSec: 1_000 });
    state.now = 4_000;
    set('usb0', 19_999, 9_999);
    set('eth0', 4_000, 2_000);
    set('wlan0', 2_010, 10);
    expect((await probe()).net).toEqual({ rxBytesPerSec: 5_000 + 1_000, txBytesPerSec: 0 });
  });

  it('reports zero traffic, not unknown, on a machine with no network interface', async () => {
    const { state, probe } = kernel();
    state.ifaces = [];
    expect((await probe()).net).toEqual({ rxBytesPerSec: 0, txBytesPerSec: 0 });
  });

  it('refuses interface names that would leave /sys/class/net', async () => {
    const { state, probe, set } = kernel();
    state.ifaces = ['../../etc'];
    set('../../etc', 1, 1);
    await probe();
    state.now = 1_000;
    expect((await probe()).net).toBeNull();
  });
});
