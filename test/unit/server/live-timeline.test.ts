import { describe, expect, it } from 'vitest';
import type { LiveFlagReport, LiveRiskReport } from '../../../src-main/contract/live-report';
import { liveTimeline } from '../../../src-server/live-timeline';
import type { AttemptRecord, StoredLiveReport, StoredUpload } from '../../../src-server/storage';
import { LIVE_ONLY_FLAG, type ServerEvidence } from '../../../src-server/timeline-rows';
import { flagFileFor } from '../../flag-file-factory';

// The live drill-down's timeline: what the exam server holds for one attempt (outbox uploads
// and the kept live reports), drawn by the review's own builder.

const T0 = 1_700_000_000_000;
const s = (seconds: number) => T0 + seconds * 1000;

const attempt: AttemptRecord = {
  sessionId: 'sess-1',
  examId: 'demo',
  studentId: 'alice',
  deviceId: 'd',
  appVersion: '1',
  policyHash: 'a'.repeat(64),
  k0: Buffer.alloc(32, 1).toString('base64'),
  origin: 'online',
  startedAt: T0,
  clientStartedAt: null,
  deadline: T0 + 45 * 60_000,
  examStartedAt: T0,
  startBy: null,
  attemptNumber: 1,
  secondAttemptOf: null,
  createdAt: T0,
};

const risk = (at: number, score: number, extra: Partial<LiveRiskReport> = {}): StoredLiveReport => ({
  kind: 'app_risk',
  at,
  receivedAt: at + 5,
  body: { score, level: score >= 100 ? 'critical' : score >= 40 ? 'medium' : 'low', locked: false, warning: null, reasons: [], at, ...extra } satisfies LiveRiskReport,
});
const liveFlag = (at: number, f: Omit<LiveFlagReport, 'at'>): StoredLiveReport => ({ kind: 'app_flag', at, receivedAt: at + 5, body: { ...f, at } });
const upload = (body: unknown, at: number): StoredUpload => ({ studentId: 'alice', idempotencyKey: `k-${at}`, receivedAt: new Date(at).toISOString(), body });

const focusLost = { at: s(59), source: 'integrity' as const, code: 'focus_lost', points: 15, message: 'Left the exam window for 4 s' };
const behaviour = { at: s(120), source: 'behaviour' as const, code: 'biometric_drift', points: 25, message: 'Typist changed' };

function evidence(): ServerEvidence {
  const filed = flagFileFor({
    sessionId: 'sess-1',
    studentId: 'alice',
    sequence: 40,
    startedAt: s(195),
    level: 'critical',
    probability: 0.91,
    unfocusedMs: 2000,
    focusLosses: 1,
    keystrokeAnomaly: 0.6,
    patterns: [{ pattern: 'temporal_inconsistency', severity: 0.9, explanation: 'Keys 8 ms apart for 40 keys', evidence: { meanFlightMs: 8 } }],
  });
  return {
    liveReports: [
      { kind: 'stream_risk', at: s(10), receivedAt: s(10), body: { score: 33, level: 'low', locked: false, warning: null, reasons: [], previousScore: 0 } },
      risk(s(60), 15, { reasons: [focusLost] }),
      liveFlag(s(120), { sequence: 23, level: 'high', probability: 0.82, patterns: [{ pattern: 'biometric_drift', severity: 0.7, explanation: 'Typing rhythm unlike the enrolled typist' }] }),
      risk(s(121), 40, { reasons: [behaviour, focusLost] }),
      liveFlag(s(200), { sequence: 40, level: 'critical', probability: 0.91, patterns: [] }),
      // The same flag again after a reconnect: still one flag.
      liveFlag(s(120), { sequence: 23, level: 'high', probability: 0.82, patterns: [{ pattern: 'biometric_drift', severity: 0.7, explanation: 'Typing rhythm unlike the enrolled typist' }] }),
      risk(s(300), 100, { locked: true, reasons: [behaviour, focusLost] }),
    ],
    uploads: {
      sessionId: 'sess-1',
      flags: [
        upload(filed, s(201)),
        upload({ report: 'log_tampered', sessionId: 'sess-1', studentId: 'alice', at: s(5), what: 'chain', firstBrokenSeq: 12, message: 'the audit log is broken at row 12' }, s(6)),
        upload({ level: 'high' }, s(250)),
      ],
      submissions: [upload({ submittedAt: s(310), reason: 'risk_limit', answers: [{ questionId: 'q1', value: 'abc', savedAt: s(100), revision: 3 }], risk: { score: 100 } }, s(311))],
    },
  };
}

describe('the live drill-down timeline', () => {
  it("builds the review's model from uploads and live reports: score, packages, flags, findings, away, answers, lock, submission", () => {
    const { detail, lanes, sessionId } = liveTimeline(attempt, evidence(), { checkpoints: 3, now: s(400) });
    expect(sessionId).toBe('sess-1');
    expect(detail.from).toBe(T0);
    expect(detail.deadline).toBe(attempt.deadline);

    // The app's own score (its reports win over the server's score of page events).
    expect(detail.risk).toEqual({ at: [T0, s(60), s(121), s(300)], score: [0, 15, 40, 100] });
    // One package: the flagged one, from its flag file.
    expect(detail.packages).toEqual({ endedAt: [s(200)], probability: [0.91], level: ['critical'], keysPerMinute: [360], typistDrift: [0.6] });

    const flags = detail.events.filter((e) => e.kind === 'flag');
    expect(flags.map((e) => [e.at, e.detector, e.level])).toEqual([
      [s(120), 'biometric_drift', 'high'],
      [s(200) + 20, 'temporal_inconsistency', 'critical'],
    ]);
    const live = detail.evidence.find((r) => r.detector === 'biometric_drift')!;
    expect(live).toMatchObject({ type: 'flag', level: 'high', explanation: 'Typing rhythm unlike the enrolled typist' });
    expect(live.numbers).toEqual(expect.arrayContaining([{ label: 'package', value: '#23' }, { label: 'severity', value: '70.0 %' }]));
    const filed = detail.evidence.find((r) => r.detector === 'temporal_inconsistency')!;
    expect(filed.explanation).toBe('Keys 8 ms apart for 40 keys');
    expect(filed.numbers).toEqual(expect.arrayContaining([{ label: 'mean flight (ms)', value: '8' }, { label: 'unfocused (ms)', value: '2000' }]));

    // The focus loss once, though three reports carry it, with what it did to the score.
    const integrity = detail.evidence.filter((r) => r.type === 'integrity');
    expect(integrity).toHaveLength(1);
    expect(integrity[0]).toMatchObject({ detector: 'focus_lost', at: s(59), explanation: 'Left the exam window for 4 s' });
    expect(integrity[0]!.numbers).toEqual([
      { label: 'risk score', value: '0 → 15' },
      { label: 'points added', value: '15' },
    ]);

    expect(detail.events.filter((e) => e.kind === 'away').map((e) => [e.at, e.end])).toEqual([[s(195), s(197)]]);
    expect(detail.answers).toMatchObject({ at: [s(100)], questionId: ['q1'], revision: [3], length: [3] });
    expect(detail.events.find((e) => e.kind === 'lock')).toMatchObject({ at: s(300), label: 'Locked at risk score 100' });
    expect(detail.events.find((e) => e.kind === 'submission')).toMatchObject({ at: s(310), label: 'Submitted after the lock (risk limit)' });
    // Neither is dropped: the tampering report and an upload that is not a flag file.
    const errors = detail.events.filter((e) => e.kind === 'error').map((e) => e.label);
    expect(errors).toEqual([
      expect.stringMatching(/^Error: the student's log was changed outside Vigil \(chain\): the audit log is broken at row 12$/),
      expect.stringMatching(/\(flag_raised\) does not fit its schema: the flag upload received .* is not a flag file/),
    ]);

    expect(detail.summary).toMatchObject({
      id: 'sess-1',
      studentId: 'alice',
      examId: 'demo',
      durationMinutes: 45,
      state: 'submitted',
      delivery: 'delivered',
      submission: { at: s(310), reason: 'risk_limit' },
      finalScore: 100,
      peakScore: 100,
      flagCount: 2,
      flagsByLevel: { high: 1, critical: 1 },
      integrityByKind: { focus_lost: 1 },
      answerSaves: 1,
      errors: 1,
      invalidRows: 1,
      verification: { state: 'cannot_verify', reason: expect.stringMatching(/holds 3 checkpoints of the audit log, not the log itself/) },
    });

    expect(Object.fromEntries(lanes.map((l) => [l.lane, l.state]))).toEqual({
      risk: 'live',
      packages: 'partial',
      typing: 'partial',
      flags: 'live',
      integrity: 'partial',
      away: 'partial',
      answers: 'partial',
      session: 'live',
    });
    expect(lanes.find((l) => l.lane === 'packages')!.note).toMatch(/of the 1 flagged package only/);
  });

  it('a live flag shows until its flag file arrives, then the file wins', () => {
    const e = evidence();
    const before = liveTimeline(attempt, { ...e, uploads: { ...e.uploads, flags: [] } }, { checkpoints: 0, now: s(400) });
    const seq40 = before.detail.evidence.filter((r) => r.numbers.some((n) => n.value === '#40'));
    expect(seq40).toHaveLength(1);
    expect(seq40[0]).toMatchObject({ detector: 'classifier', level: 'critical', explanation: LIVE_ONLY_FLAG });
    expect(before.detail.packages.endedAt).toEqual([]);
    expect(before.lanes.find((l) => l.lane === 'packages')!.state).toBe('not_available');

    const after = liveTimeline(attempt, e, { checkpoints: 0, now: s(400) });
    expect(after.detail.evidence.filter((r) => r.numbers.some((n) => n.value === '#40')).map((r) => r.detector)).toEqual(['temporal_inconsistency']);
  });

  it("without app reports, the server's own score of the page events is the score lane", () => {
    const stream: ServerEvidence = {
      uploads: { sessionId: 'sess-1', flags: [], submissions: [] },
      liveReports: [
        { kind: 'stream_risk', at: s(10), receivedAt: s(10), body: { score: 20, level: 'low', locked: false, warning: null, reasons: [{ ...focusLost, at: s(9), points: 20 }], previousScore: 0 } },
        { kind: 'stream_risk', at: s(40), receivedAt: s(40), body: { score: 12, level: 'low', locked: false, warning: null, reasons: [], previousScore: 20 } },
      ],
    };
    const { detail, lanes } = liveTimeline(attempt, stream, { checkpoints: 0, now: s(50) });
    expect(detail.risk).toEqual({ at: [T0, s(10), s(40)], score: [0, 20, 12] });
    expect(detail.events.map((e) => e.kind)).toEqual(['integrity']);
    expect(detail.summary).toMatchObject({ state: 'in_progress', delivery: 'not_submitted', finalScore: 12, peakScore: 20 });
    expect(lanes.find((l) => l.lane === 'risk')).toMatchObject({ state: 'live', note: expect.stringMatching(/server's score of the exam page's events/) });
    expect(lanes.find((l) => l.lane === 'answers')!.state).toBe('not_available');
  });

  it("a finding stamped a few ms after the server's score that it changed still shows what it did to the score", () => {
    const change = (at: number, score: number, reasonAts: number[]): StoredLiveReport => ({
      kind: 'stream_risk',
      at,
      receivedAt: at,
      body: { score, level: 'low', locked: false, warning: null, reasons: reasonAts.map((a) => ({ ...focusLost, at: a, points: 20 })), previousScore: score - 20 },
    });
    const stream: ServerEvidence = {
      uploads: { sessionId: 'sess-1', flags: [], submissions: [] },
      liveReports: [change(s(10), 20, [s(10) + 14]), change(s(12), 40, [s(12) + 3, s(10) + 14])],
    };
    const { detail } = liveTimeline(attempt, stream, { checkpoints: 0, now: s(50) });
    expect(detail.evidence.map((r) => r.numbers.find((n) => n.label === 'risk score')?.value)).toEqual(['0 → 20', '20 → 40']);
    expect(detail.risk).toEqual({ at: [T0, s(10) + 14, s(12) + 3], score: [0, 20, 40] });
  });

  it("spans the exam's time: from Start once the server has it, from registration to the latest deadline while at the system check", () => {
    const start = T0 + 7 * 60_000;
    const started = liveTimeline({ ...attempt, examStartedAt: start, startBy: null, deadline: start + 45 * 60_000 }, { liveReports: [], uploads: { sessionId: 'sess-1', flags: [], submissions: [] } }, { checkpoints: 0, now: s(400) });
    expect(started.detail.from).toBe(start);
    expect(started.detail.deadline).toBe(start + 45 * 60_000);
    expect(started.detail.summary.startedAt).toBe(start);
    expect(started.detail.summary.durationMinutes).toBe(45);

    const checking = liveTimeline({ ...attempt, examStartedAt: null, startBy: T0 + 15 * 60_000, deadline: T0 + 60 * 60_000 }, { liveReports: [], uploads: { sessionId: 'sess-1', flags: [], submissions: [] } }, { checkpoints: 0, now: s(400) });
    expect(checking.detail.from).toBe(T0);
    expect(checking.detail.summary.durationMinutes).toBe(60);
  });

  it('an attempt that sent nothing yet is an empty timeline that says so, not an error', () => {
    const { detail, lanes } = liveTimeline(attempt, { uploads: { sessionId: 'sess-1', flags: [], submissions: [] }, liveReports: [] }, { checkpoints: 0, now: s(5) });
    expect(detail.risk).toEqual({ at: [T0], score: [0] });
    expect(detail.events).toEqual([]);
    expect(detail.evidence).toEqual([]);
    expect(detail.to).toBe(attempt.deadline);
    expect(lanes.filter((l) => l.state === 'not_available').map((l) => l.lane)).toEqual(['risk', 'packages', 'typing', 'integrity', 'away', 'answers']);
  });

  it('a stored report that does not fit its schema is shown as such, and the rest still draws', () => {
    const bad: ServerEvidence = {
      uploads: { sessionId: 'sess-1', flags: [], submissions: [] },
      liveReports: [{ kind: 'app_risk', at: s(3), receivedAt: s(3), body: { score: 'high' } }, risk(s(8), 30)],
    };
    const { detail } = liveTimeline(attempt, bad, { checkpoints: 0, now: s(10) });
    expect(detail.risk.score).toEqual([0, 30]);
    expect(detail.events).toEqual([expect.objectContaining({ kind: 'error', label: expect.stringMatching(/\(risk_changed\) does not fit its schema: a live risk report/) })]);
  });
});
