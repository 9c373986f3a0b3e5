import { describe, expect, it } from 'vitest';
import { cleanExePath, parseArgv0, parseLastPid, parseProcStatus, parseStartTicks } from '../../../../src-main/capture/integrity/proc-parsers';
import { fixture } from './fixtures';

describe('proc parsers (recorded /proc text)', () => {
  it('reads name, pids and uid from a process status', () => {
    expect(parseProcStatus(fixture('proc-status-self.txt'))).toEqual({ name: 'cat', tgid: 12551, pid: 12551, ppid: 12538, tracerPid: 0, uid: 0 });
  });

  it('sees the tracer of a traced process (cat under strace)', () => {
    const s = parseProcStatus(fixture('proc-status-traced.txt'))!;
    expect(s.tracerPid).toBe(13547);
    expect(s.pid).toBe(13550);
  });

  it('tells a thread from a process (Tgid is not Pid)', () => {
    const s = parseProcStatus(fixture('proc-status-thread.txt'))!;
    expect(s.tgid).not.toBe(s.pid);
  });

  it('reads a kernel thread and refuses text that is not a status file', () => {
    expect(parseProcStatus(fixture('proc-status-kthread.txt'))).toMatchObject({ name: 'kthreadd', pid: 2, ppid: 0 });
    expect(parseProcStatus('')).toBeNull();
    // Cut off halfway (a process exiting mid-read): no Uid yet.
    expect(parseProcStatus(fixture('proc-status-self.txt').split('\n').slice(0, 6).join('\n'))).toBeNull();
    expect(parseProcStatus('Name:\tx\nTgid:\t-4\nPid:\t1\nPPid:\t0\nTracerPid:\t0\nUid:\t0\n')).toBeNull();
  });

  it('undoes the kernel escaping in Name', () => {
    const text = fixture('proc-status-self.txt').replace('Name:\tcat', 'Name:\ta\\nb\\\\c');
    expect(parseProcStatus(text)!.name).toBe('a\nb\\c');
  });

  it('reads the last created pid from /proc/loadavg', () => {
    const recorded = fixture('loadavg.txt');
    expect(parseLastPid(recorded)).toBe(Number(recorded.trim().split(' ').pop()));
    expect(parseLastPid('0.20 0.18 0.12 1/80 11206\n')).toBe(11206);
    expect(parseLastPid('0.20 0.18 0.12 1/80\n')).toBeNull();
    expect(parseLastPid('garbage')).toBeNull();
  });

  it('reads argv[0], and nothing for a kernel thread', () => {
    expect(parseArgv0(Buffer.from('/tmp/we ird) (name\u00005\u0000'))).toBe('/tmp/we ird) (name');
    expect(parseArgv0(Buffer.from('notes'))).toBe('notes');
    expect(parseArgv0(Buffer.alloc(0))).toBeNull();
    expect(parseArgv0(Buffer.from('\u0000x\u0000'))).toBeNull();
  });

  it('finds the start time after a comm holding spaces and parentheses', () => {
    expect(parseStartTicks(fixture('proc-stat-odd-name.txt'))).toBe(117777);
    expect(parseStartTicks('12 (x) S 1 2')).toBeNull();
    expect(parseStartTicks('no parenthesis')).toBeNull();
  });

  it('strips " (deleted)" from the executable of a replaced binary', () => {
    expect(cleanExePath('/usr/bin/discord (deleted)')).toBe('/usr/bin/discord');
    expect(cleanExePath('/usr/bin/xterm')).toBe('/usr/bin/xterm');
  });
});
