import { describe, expect, it } from 'vitest';
import { ProcessScanner } from '../../../../src-main/capture/integrity/process-scanner';
import { FakeProc } from './fake-proc';

function world(count: number) {
  const proc = new FakeProc();
  for (let pid = 1; pid <= count; pid++) proc.add(pid, { name: `daemon${pid}`, exe: `/usr/sbin/daemon${pid}`, argv: [`daemon${pid}`] });
  return proc;
}

describe('ProcessScanner (new pids only)', () => {
  it('costs one read per poll while no process is created, however many run', () => {
    for (const count of [50, 2000]) {
      const proc = world(count);
      const s = new ProcessScanner(proc, () => 0);
      s.all();
      proc.reads = 0;
      for (let i = 0; i < 10; i++) expect(s.poll()).toEqual([]);
      expect(proc.reads).toBe(10);
      expect(s.stats.idlePolls).toBe(10);
    }
  });

  it('reads only the new pids, whatever runs already', () => {
    const proc = world(2000);
    const s = new ProcessScanner(proc, () => 0);
    s.all();
    proc.add(2001, { name: 'ollama', exe: '/tmp/x/ollama', argv: ['/tmp/x/ollama', 'serve'], ppid: 7 });
    proc.reads = 0;
    expect(s.poll()).toEqual([{ pid: 2001, ppid: 7, executable: '/tmp/x/ollama', comm: 'ollama', argv0: '/tmp/x/ollama' }]);
    expect(proc.reads).toBeLessThanOrEqual(5);
  });

  it('skips threads (they take pids too) and pids that came and went', () => {
    const proc = world(10);
    const s = new ProcessScanner(proc, () => 0);
    s.all();
    proc.add(11, { name: 'worker', threadOf: 5 });
    proc.lastPid = 13; // 12 and 13 lived and died between two polls
    expect(s.poll()).toEqual([]);
    expect(s.stats.pidProbes).toBe(3);
  });

  it('lists /proc once for a burst of new pids, reading only the new processes, not the threads', () => {
    const proc = world(400);
    const s = new ProcessScanner(proc, () => 0);
    s.all();
    for (let pid = 401; pid <= 500; pid++) proc.add(pid, pid % 10 === 0 ? { name: `job${pid}`, exe: '/bin/job' } : { name: 'worker', threadOf: 7 });
    expect(s.poll().map((p) => p.pid)).toEqual([410, 420, 430, 440, 450, 460, 470, 480, 490, 500]);
    expect(s.stats.listings).toBe(1);
    expect(s.stats.pidProbes).toBe(10);
    // The next burst compares with this listing: old processes are not read again.
    proc.add(501, { name: 'late', exe: '/bin/late' });
    for (let pid = 502; pid <= 560; pid++) proc.add(pid, { name: 'worker', threadOf: 7 });
    expect(s.poll().map((p) => p.comm)).toEqual(['late']);
    expect(s.stats.pidProbes).toBe(11);
  });

  it('skips a process that exits mid-read', () => {
    const proc = world(10);
    const s = new ProcessScanner(proc, () => 0);
    s.all();
    proc.add(11, { name: 'short', exe: '/bin/true', exitAfterReads: 0 });
    proc.add(12, { name: 'gone', exe: null, exitAfterReads: 0 });
    proc.add(13, { name: 'stays', exe: '/bin/stays' });
    expect(s.poll().map((p) => p.pid)).toEqual([13]);
  });

  it('sees a fork that execs a prohibited program after it was first read', () => {
    let now = 0;
    const proc = world(10);
    const s = new ProcessScanner(proc, () => now);
    s.all();
    proc.add(11, { name: 'bash', exe: '/usr/bin/bash', argv: ['bash'] });
    expect(s.poll().map((p) => p.comm)).toEqual(['bash']);
    proc.procs.set(11, { name: 'anydesk', exe: '/usr/bin/anydesk', argv: ['anydesk'] });
    now += 250;
    expect(s.poll()).toEqual([{ pid: 11, ppid: 1, executable: '/usr/bin/anydesk', comm: 'anydesk', argv0: 'anydesk' }]);
    // While young, a poll costs its executable's readlink beside /proc/loadavg; after a second, nothing.
    now += 250;
    proc.reads = 0;
    expect(s.poll()).toEqual([]);
    expect(proc.reads).toBe(2);
    now += 1000;
    proc.reads = 0;
    s.poll();
    s.poll();
    expect(proc.reads).toBe(2);
  });

  it('follows a pid wrap-around, and lists /proc when too many pids passed', () => {
    const proc = world(10);
    proc.add(32700, { name: 'old', exe: '/bin/old' });
    const s = new ProcessScanner(proc, () => 0);
    s.all();
    proc.add(32760, { name: 'late', exe: '/bin/late' });
    proc.procs.set(305, { name: 'wrapped', exe: '/bin/wrapped' });
    proc.lastPid = 305;
    expect(s.poll().map((p) => p.comm).sort()).toEqual(['late', 'wrapped']);
    expect(s.stats.fullScans).toBe(1);

    proc.add(20000, { name: 'far', exe: '/bin/far' }); // 19 695 pids later: list instead
    expect(s.poll().map((p) => p.comm)).toContain('far');
    expect(s.stats.fullScans).toBe(2);
  });

  it('leaves kernel threads out and keeps processes whose executable is unreadable', () => {
    const proc = new FakeProc();
    proc.add(2, { name: 'kthreadd', ppid: 0, exe: null, argv: [] });
    proc.add(3, { name: 'kworker/0:1', ppid: 2, exe: null, argv: [] });
    proc.add(400, { name: 'teamviewerd', ppid: 1, exe: null, argv: ['/opt/teamviewer/tv_bin/teamviewerd'] });
    const s = new ProcessScanner(proc, () => 0);
    expect(s.all().map((p) => p.comm)).toEqual(['kthreadd', 'teamviewerd']);
  });

  it('says why when /proc/loadavg is not what the kernel writes', () => {
    const proc = world(3);
    const s = new ProcessScanner(proc, () => 0);
    s.all();
    proc.text = () => 'nonsense';
    expect(() => s.poll()).toThrow(/loadavg/);
  });
});
