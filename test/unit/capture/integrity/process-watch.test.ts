import { describe, expect, it } from 'vitest';
import { ProcessScanner } from '../../../../src-main/capture/integrity/process-scanner';
import { type ProhibitedProcess, ProcessWatch } from '../../../../src-main/capture/integrity/process-watch';
import { defaultPolicy } from '../../../../src-main/contract/policy';
import { prohibitedLists } from '../../../../src-main/contract/policy-integrity';
import { FakeProc } from './fake-proc';

function setup(fullRescanSeconds = 0) {
  const proc = new FakeProc();
  for (let pid = 1; pid <= 20; pid++) proc.add(pid, { name: `d${pid}`, exe: `/usr/sbin/d${pid}` });
  const seen: ProhibitedProcess[] = [];
  const errors: string[] = [];
  let now = 1_000;
  const watch = new ProcessWatch({
    lists: prohibitedLists(defaultPolicy().integrity),
    accommodations: ['onboard'],
    scanMs: 250,
    fullRescanSeconds,
    onProhibited: (p) => seen.push(p),
    onError: (e) => errors.push(e),
    scanner: new ProcessScanner(proc, () => now),
    now: () => now,
  });
  return { proc, seen, errors, watch, advance: (ms: number) => (now += ms) };
}

describe('ProcessWatch', () => {
  it('reports what already runs at start, then new prohibited processes, once each', () => {
    const { proc, seen, watch } = setup();
    proc.add(15, { name: 'Discord', exe: '/usr/share/discord/Discord', argv: ['/usr/share/discord/Discord'] });
    watch.start();
    watch.stop();
    expect(seen.map((s) => [s.pid, s.category, s.name])).toEqual([[15, 'communication', 'Discord']]);
    proc.add(21, { name: 'ollama', exe: '/usr/local/bin/ollama' });
    watch.tick();
    watch.tick();
    expect(seen.map((s) => s.pid)).toEqual([15, 21]);
    expect(seen[1]).toMatchObject({ t: 1_000, executable: '/usr/local/bin/ollama', category: 'ai_assistant', entry: 'ollama', via: 'executable_name' });
  });

  it('reports one application once, not each helper process it starts', () => {
    const { proc, seen, watch } = setup();
    watch.start();
    watch.stop();
    proc.add(21, { name: 'Discord', exe: '/usr/share/discord/Discord' });
    proc.add(22, { name: 'Discord', exe: '/usr/share/discord/Discord', ppid: 21, argv: ['/usr/share/discord/Discord', '--type=renderer'] });
    proc.add(23, { name: 'Discord', exe: '/usr/share/discord/Discord', ppid: 22 });
    watch.tick();
    expect(seen.map((s) => s.pid)).toEqual([21]);
    expect(watch.running().map((r) => r.pid)).toEqual([21]);
  });

  it('forgets a prohibited process once it exits, and knows which accommodations run', () => {
    const { proc, watch, advance } = setup();
    proc.add(15, { name: 'obs', exe: '/usr/bin/obs' });
    proc.add(16, { name: 'onboard', exe: '/usr/bin/python3', argv: ['/usr/bin/onboard'] });
    watch.start();
    watch.stop();
    expect(watch.running().map((r) => r.name)).toEqual(['obs']);
    expect(watch.runningAccommodations()).toEqual(['onboard']);
    proc.procs.delete(15);
    proc.procs.delete(16);
    advance(250);
    watch.tick();
    expect(watch.running()).toEqual([]);
    expect(watch.runningAccommodations()).toEqual([]);
  });

  it('fails closed: a scan error is reported once, and the watch recovers', () => {
    const { proc, errors, seen, watch } = setup();
    watch.start();
    watch.stop();
    const text = proc.text.bind(proc);
    proc.text = () => 'garbage';
    watch.tick();
    watch.tick();
    expect(errors).toEqual(['process watch: /proc/loadavg does not end with the last pid']);
    proc.text = text;
    proc.add(21, { name: 'xdotool', exe: '/usr/bin/xdotool' });
    watch.tick();
    expect(seen.map((s) => s.category)).toEqual(['automation']);
  });

  it('catches a process that changed program long after it started, at the full rescan', () => {
    const { proc, seen, watch, advance } = setup(60);
    watch.start();
    watch.stop();
    proc.procs.set(20, { name: 'rustdesk', exe: '/usr/bin/rustdesk' });
    advance(1000);
    watch.tick();
    expect(seen).toEqual([]);
    advance(60_000);
    watch.tick();
    expect(seen.map((s) => s.name)).toEqual(['rustdesk']);
  });
});
