import { createHash } from 'node:crypto';
import { checkAuditPayload, type AuditKind } from '../src-main/contract/audit-rows';
import { FlagFileSchema, type FlagFile } from '../src-main/contract/flag-file';
import { LiveFlagReportSchema, LiveRiskReportSchema } from '../src-main/contract/live-report';
import type { RiskReason } from '../src-main/contract/risk';
import type { buildTimeline } from '../src-main/review/attempt-timeline';
import type { SessionUploads, StoredLiveReport, StoredUpload } from './storage';

/** What the review's timeline builder reads: the audit rows and the flag file of each flag. */
export type TimelineInput = Pick<Parameters<typeof buildTimeline>[0], 'records' | 'flagFiles'>;
export type TimelineRow = TimelineInput['records'][number];

/** What the server holds for one attempt, besides the attempt itself. */
export interface ServerEvidence {
  uploads: SessionUploads;
  liveReports: StoredLiveReport[];
}

/** A row before it has its place (seq) in time order. */
interface Draft {
  at: number;
  kind: AuditKind;
  payload: unknown;
  /** Why the data behind it does not make a row of its kind; the builder shows it as such. */
  problem?: string;
  flagFile?: unknown;
}

/** Flag files of flags the app reported live but whose upload has not arrived. */
export const LIVE_ONLY_FLAG =
  'Reported live by the app; its flag file (with the package numbers) has not reached the server yet and comes through the outbox.';

/**
 * The server's evidence for an attempt as audit-shaped rows, so that the review's own
 * builder (src-main/review/attempt-timeline.ts) draws it: nothing here decides what a lane
 * shows. Each row is checked with its kind's audit schema; data that does not fit is kept
 * as an invalid row with the reason, as review keeps a row that does not fit.
 *
 * - flag uploads (flag files) give the flagged package (package_scored) and its flag;
 *   `log_tampered` reports sent on the same route are errors;
 * - live flags give a flag until their flag file arrives (same sequence);
 * - the app's risk reports give the score's changes, the integrity findings among their
 *   reasons and the lock; without them, the server's own score of the page's events does;
 * - the submission gives itself and the last save of each answer.
 *
 * The rows carry no hashes: the server holds checkpoints of the chain, not the chain.
 */
export function timelineRows(evidence: ServerEvidence): TimelineInput {
  const drafts: Draft[] = [];
  const filedSequences = new Set<number>();
  for (const upload of evidence.uploads.flags) drafts.push(...flagUploadRows(upload, filedSequences));
  drafts.push(...liveFlagRows(evidence.liveReports, filedSequences));
  const appRisk = evidence.liveReports.filter((r) => r.kind === 'app_risk');
  drafts.push(...riskRows(appRisk.length > 0 ? appRisk : evidence.liveReports.filter((r) => r.kind === 'stream_risk')));
  for (const upload of evidence.uploads.submissions) drafts.push(...submissionRows(upload));

  // Time order, ties in the order made (an integrity finding stays before the change it caused).
  const ordered = drafts.map((d, i) => ({ d, i })).sort((a, b) => a.d.at - b.d.at || a.i - b.i);
  const records: TimelineRow[] = [];
  const flagFiles = new Map<number, unknown>();
  for (const [n, { d }] of ordered.entries()) {
    const seq = n + 1;
    const meta = { seq, at: d.at, prevHash: '', hash: '' };
    if (d.problem !== undefined) {
      records.push({ ...meta, valid: false, kind: d.kind, payload: d.payload, problem: d.problem });
      continue;
    }
    const check = checkAuditPayload(d.kind, d.payload);
    records.push(
      check.ok
        ? ({ ...meta, valid: true, kind: d.kind, payload: check.payload } as TimelineRow)
        : { ...meta, valid: false, kind: d.kind, payload: d.payload, problem: check.problem },
    );
    if (d.flagFile !== undefined) flagFiles.set(seq, d.flagFile);
  }
  return { records, flagFiles };
}

const receivedAt = (u: StoredUpload): number => Date.parse(u.receivedAt);
const obj = (v: unknown): Record<string, unknown> | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function flagUploadRows(upload: StoredUpload, filed: Set<number>): Draft[] {
  const body = obj(upload.body);
  if (body?.report === 'log_tampered') {
    const at = num(body.at) ?? receivedAt(upload);
    return [{ at, kind: 'error', payload: { what: `the student's log was changed outside Vigil (${String(body.what)})`, message: String(body.message ?? '') } }];
  }
  const parsed = FlagFileSchema.safeParse(upload.body);
  if (!parsed.success) {
    const problem = `the flag upload received ${upload.receivedAt} is not a flag file: ${parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
      .join('; ')}`;
    return [{ at: receivedAt(upload), kind: 'flag_raised', payload: upload.body, problem }];
  }
  const file: FlagFile = parsed.data;
  const sequence = file.activitySnapshot.sequence;
  filed.add(sequence);
  const { level, probability, confidence } = file.riskAssessment;
  const patterns = file.patterns.map(({ pattern, severity, explanation, evidence }) => ({ pattern, severity, explanation, evidence }));
  const snap = file.activitySnapshot;
  return [
    {
      at: snap.endedAt,
      kind: 'package_scored',
      payload: {
        sequence,
        startedAt: snap.startedAt,
        endedAt: snap.endedAt,
        keystrokeCount: snap.keystrokeCount,
        focusLosses: snap.focusLosses,
        unfocusedMs: snap.unfocusedMs,
        shouldFlag: true,
        level,
        probability,
        confidence,
        patterns,
        featureScores: Object.fromEntries(file.featureScores.map((f) => [f.feature, f.score])),
        inputIssues: file.inputIssues,
      },
    },
    { at: file.createdAt, kind: 'flag_raised', payload: { sequence, level, probability, patterns }, flagFile: upload.body },
  ];
}

function liveFlagRows(reports: StoredLiveReport[], filed: Set<number>): Draft[] {
  const drafts: Draft[] = [];
  const seen = new Set<number>();
  for (const r of reports) {
    if (r.kind !== 'app_flag') continue;
    const parsed = LiveFlagReportSchema.safeParse(r.body);
    if (!parsed.success) {
      drafts.push({ at: r.at, kind: 'flag_raised', payload: r.body, problem: `a live flag report that does not fit its schema: ${parsed.error.issues[0]?.message ?? ''}` });
      continue;
    }
    const f = parsed.data;
    // The upload is the source of truth; a reconnect may send the same flag again.
    if (filed.has(f.sequence) || seen.has(f.sequence)) continue;
    seen.add(f.sequence);
    const patterns = f.patterns.map((p) => ({ ...p, evidence: {} }));
    drafts.push({
      at: f.at,
      kind: 'flag_raised',
      payload: { sequence: f.sequence, level: f.level, probability: f.probability, patterns },
      flagFile: { patterns, severityJustification: LIVE_ONLY_FLAG },
    });
  }
  return drafts;
}

interface RiskPoint {
  at: number;
  score: number;
  level: string;
  locked: boolean;
  warning: string | null;
  reasons: RiskReason[];
}

function riskPoint(r: StoredLiveReport): RiskPoint | string {
  if (r.kind === 'app_risk') {
    const parsed = LiveRiskReportSchema.safeParse(r.body);
    return parsed.success ? parsed.data : `a live risk report that does not fit its schema: ${parsed.error.issues[0]?.message ?? ''}`;
  }
  const b = obj(r.body);
  const score = num(b?.score);
  if (!b || score === null || !Array.isArray(b.reasons)) return 'a stored score of the page events without a score or reasons';
  return { at: r.at, score, level: String(b.level), locked: b.locked === true, warning: typeof b.warning === 'string' ? b.warning : null, reasons: b.reasons as RiskReason[] };
}

function riskRows(reports: StoredLiveReport[]): Draft[] {
  const drafts: Draft[] = [];
  const seenReasons = new Set<string>();
  let score = 0;
  let locked = false;
  for (const r of reports) {
    const p = riskPoint(r);
    if (typeof p === 'string') {
      drafts.push({ at: r.at, kind: 'risk_changed', payload: r.body, problem: p });
      continue;
    }
    // Reasons come newest first and at most ten per report: each integrity finding once, oldest first.
    let at = p.at;
    for (const reason of [...p.reasons].reverse()) {
      const key = `${reason.at}|${reason.code}|${reason.message}`;
      if (reason.source !== 'integrity' || seenReasons.has(key)) continue;
      seenReasons.add(key);
      drafts.push({ at: reason.at, kind: 'integrity_event', payload: { kind: reason.code, at: reason.at, message: reason.message, points: reason.points } });
      // A change cannot come before the finding that caused it; the server's score reads the
      // clock twice in one event (a few ms apart), so the change is placed at its cause.
      at = Math.max(at, reason.at);
    }
    if (p.score !== score) {
      drafts.push({ at, kind: 'risk_changed', payload: { from: score, to: p.score, level: p.level, reasons: p.reasons, warning: p.warning } });
      score = p.score;
    }
    if (p.locked && !locked) drafts.push({ at, kind: 'session_locked', payload: { at, score: p.score, reasons: p.reasons } });
    locked = p.locked;
  }
  return drafts;
}

function submissionRows(upload: StoredUpload): Draft[] {
  const body = obj(upload.body) ?? {};
  const answers = Array.isArray(body.answers) ? body.answers.map(obj) : [];
  const risk = obj(body.risk);
  const at = num(body.submittedAt) ?? receivedAt(upload);
  const drafts: Draft[] = [
    { at, kind: 'submission', payload: { submittedAt: body.submittedAt, reason: body.reason, answerCount: answers.length, riskScore: risk?.score } },
  ];
  for (const a of answers) {
    const value = a?.value;
    const savedAt = num(a?.savedAt);
    if (typeof value !== 'string' || savedAt === null) continue;
    drafts.push({
      at: savedAt,
      kind: 'answer_saved',
      payload: { questionId: a!.questionId, revision: a!.revision, length: value.length, sha256: createHash('sha256').update(value, 'utf8').digest('hex') },
    });
  }
  return drafts;
}
