import { afterEach, describe, expect, it, vi } from 'vitest';
import { LiveRecord } from '../../../src-server/live-record';
import { SqliteExamStorage } from '../../../src-server/sqlite-storage';
import type { AppReportEvent, LiveStream, RiskChange } from '../../../src-server/live-stream';
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
  examStartedAt: 0,
  startBy: null,
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

  it("keeps the app's reports as sent and the server's own score only when it moves (a lock once)", () => {
    storage = SqliteExamStorage.inMemory();
    storage.addAttempt(attempt('s1'));
    const app = new Set<(e: AppReportEvent) => void>();
    const risk = new Set<(c: RiskChange) => void>();
    const stream = {
      onAppReport: (l: (e: AppReportEvent) => void) => (app.add(l), () => app.delete(l)),
      onRiskChange: (l: (c: RiskChange) => void) => (risk.add(l), () => risk.delete(l)),
    } as unknown as LiveStream;
    const record = new LiveRecord(storage, { now: () => 0 });
    record.attach(stream);
    const report = { score: 15, level: 'low' as const, locked: false, warning: null, reasons: [], at: 7 };
    for (const l of app) l({ sessionId: 's1', kind: 'risk', report, receivedAt: 9 });
    const change = (score: number, previousScore: number, locked: boolean, source: 'app' | 'stream' = 'stream'): RiskChange => ({
      sessionId: 's1',
      examId: 'demo',
      studentId: 's1',
      risk: { score, level: 'high', locked, warning: null, reasons: [] },
      previousScore,
      alerted: false,
      source,
      trigger: source === 'app' ? 'vigil_risk' : 'window',
      at: score,
    });
    for (const c of [change(15, 15, false, 'app'), change(40, 20, false), change(100, 40, true), change(100, 100, true), change(100, 100, true)]) for (const l of risk) l(c);
    record.flush();
    expect(storage.liveReports('s1').map((r) => [r.kind, r.at])).toEqual([
      ['app_risk', 7],
      ['stream_risk', 40],
      ['stream_risk', 100],
    ]);
    expect(storage.liveReports('s1')[0]!.body).toEqual(report);
    record.close();
    expect(app.size + risk.size).toBe(0);
  });
});
