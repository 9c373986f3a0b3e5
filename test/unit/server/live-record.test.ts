import { afterEach, describe, expect, it, vi } from 'vitest';
import { LiveRecord } from '../../../src-server/live-record';
import { SqliteExamStorage } from '../../../src-server/sqlite-storage';
import type { AttemptRecord, ExamServerStorage } from '../../../src-server/storage';

// The live copy is written in batches, read back through flush, and a report storage refuses
// on its own neither blocks the others nor is retried forever.

const attempt = (id: string): AttemptRecord => ({
  sessionId: id,
  examId: 'demo',
  studentId: id,
  deviceId: 'd',
  appVersion: '1',
  policyHash: 'a'.repeat(64),
  k0: Buffer.alloc(32, 1).toString('base64'),
  origin: 'online',
  startedAt: 0,
  clientStartedAt: null,
  deadline: 60_000,
  attemptNumber: 1,
  secondAttemptOf: null,
  createdAt: 0,
});

let storage: SqliteExamStorage;
afterEach(() => {
  vi.useRealTimers();
  storage?.close();
});

describe('LiveRecord', () => {
  it('writes on its timer in one batch, and at once when flushed', () => {
    vi.useFakeTimers();
    storage = SqliteExamStorage.inMemory();
    storage.addAttempt(attempt('s1'));
    const writes = vi.spyOn(storage, 'addLiveReports');
    const record = new LiveRecord(storage, { now: () => 0, flushMs: 1000 });
    record.add({ sessionId: 's1', kind: 'app_risk', at: 1, receivedAt: 1, body: { score: 1 } });
    record.add({ sessionId: 's1', kind: 'app_flag', at: 2, receivedAt: 2, body: { sequence: 0 } });
    expect(storage.liveReports('s1')).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(writes).toHaveBeenCalledTimes(1);
    expect(storage.liveReports('s1').map((r) => r.kind)).toEqual(['app_risk', 'app_flag']);
    record.add({ sessionId: 's1', kind: 'app_risk', at: 3, receivedAt: 3, body: { score: 2 } });
    record.flush();
    expect(storage.liveReports('s1')).toHaveLength(3);
    record.close();
  });

  it('drops only the report storage refuses on its own, and keeps everything while the disk refuses all', () => {
    storage = SqliteExamStorage.inMemory();
    storage.addAttempt(attempt('s1'));
    const lines: string[] = [];
    const record = new LiveRecord(storage, { now: () => 0, log: (l) => lines.push(l) });
    record.add({ sessionId: 's1', kind: 'app_risk', at: 1, receivedAt: 1, body: {} });
    record.add({ sessionId: 'never-registered', kind: 'app_risk', at: 2, receivedAt: 2, body: {} });
    record.flush();
    expect(storage.liveReports('s1')).toHaveLength(1);
    expect(record.droppedCount()).toBe(1);
    expect(lines.join('\n')).toMatch(/1 live reports could not be kept \(app_risk of never-registered\)/);

    const failing: ExamServerStorage = Object.create(storage) as ExamServerStorage;
    failing.addLiveReports = () => {
      throw new Error('disk I/O error');
    };
    const blocked = new LiveRecord(failing, { now: () => 0, log: (l) => lines.push(l) });
    blocked.add({ sessionId: 's1', kind: 'app_flag', at: 3, receivedAt: 3, body: {} });
    blocked.flush();
    expect(lines.at(-1)).toMatch(/keeping 1 live reports failed \(will retry\): disk I\/O error/);
    expect(blocked.droppedCount()).toBe(0);
    // The disk is back: the kept report goes in with the next flush.
    failing.addLiveReports = (r) => storage.addLiveReports(r);
    blocked.flush();
    expect(storage.liveReports('s1').map((r) => r.kind)).toEqual(['app_risk', 'app_flag']);
    record.close();
    blocked.close();
  });
});
