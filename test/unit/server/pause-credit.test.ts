import { describe, expect, it } from 'vitest';
import type { ProctorAction } from '../../../src-main/contract/proctor-order';
import { holdSince, pauseCredit } from '../../../src-server/pause-credit';
import type { AttemptRecord, StoredProctorOrder } from '../../../src-server/storage';

const MINUTE = 60_000;
const attempt = (examStartedAt: number | null, deadline: number): AttemptRecord => ({
  sessionId: 's1',
  examId: 'e',
  studentId: 'alice',
  deviceId: 'd',
  appVersion: '1',
  policyHash: 'a'.repeat(64),
  k0: 'k',
  origin: 'online',
  startedAt: 0,
  clientStartedAt: null,
  deadline,
  examStartedAt,
  startBy: null,
  attemptNumber: 1,
  secondAttemptOf: null,
  createdAt: 0,
});
const orders = (...list: [ProctorAction, number][]): StoredProctorOrder[] =>
  list.map(([action, issuedAt], i) => ({
    issuedBy: 'proctor',
    signed: { signature: 'x', order: { version: 1, orderId: `o${i}`, sessionId: 's1', seq: i + 1, action, extendMinutes: 0, deadline: 0, reason: 'r', issuedAt } },
  }));

describe('the time a pause gives back', () => {
  it('is the span since the first lock not yet undone', () => {
    expect(holdSince(orders(['lock', 10], ['lock', 20]))).toBe(10);
    expect(holdSince(orders(['lock', 10], ['unlock', 20], ['lock', 30]))).toBe(30);
    expect(holdSince(orders(['lock', 10], ['unlock', 20]))).toBeNull();
    expect(holdSince(orders(['extend', 10]))).toBeNull();
    expect(pauseCredit(attempt(0, 60 * MINUTE), orders(['lock', 10 * MINUTE], ['extend', 11 * MINUTE]), 14 * MINUTE)).toBe(4 * MINUTE);
  });

  it('counts only time the exam ran: nothing before its start, nothing for a pause begun after the deadline', () => {
    expect(pauseCredit(attempt(null, 60 * MINUTE), orders(['lock', 0]), 5 * MINUTE)).toBe(0);
    expect(pauseCredit(attempt(3 * MINUTE, 60 * MINUTE), orders(['lock', MINUTE]), 5 * MINUTE)).toBe(2 * MINUTE);
    expect(pauseCredit(attempt(0, 60 * MINUTE), orders(['lock', 61 * MINUTE]), 70 * MINUTE)).toBe(0);
    expect(pauseCredit(attempt(0, 60 * MINUTE), orders(['lock', 59 * MINUTE]), 70 * MINUTE)).toBe(11 * MINUTE);
    expect(pauseCredit(attempt(0, 60 * MINUTE), [], 70 * MINUTE)).toBe(0);
  });
});
