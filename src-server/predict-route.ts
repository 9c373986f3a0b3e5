import type { RiskLevel } from '../src-main/contract/risk';
import { ClientRateLimit, type RateLimit } from './client-rate-limit';
import { HttpError, jsonObject, type Router } from './http-router';
import type { LiveScore, LiveScorer, WindowSummary } from './live-scorer';

/** The seed's request fields, all required, every one a number but sample_id. */
export const PREDICT_FIELDS = [
  'mean_dwell',
  'std_dwell',
  'mean_flight',
  'std_flight',
  'avg_mouse_speed',
  'tab_switch_count',
  'copy_events',
  'paste_events',
  'inactivity_time',
] as const;
const COUNT_FIELDS: ReadonlySet<string> = new Set(['tab_switch_count', 'copy_events', 'paste_events']);
/** Optional Vigil fields a client may add; without them the detectors they gate stay silent. */
const OPTIONAL_COUNTS = ['keystroke_count', 'mouse_move_count'] as const;
const SAMPLE_ID = /^[^\u0000-\u001f\u007f]{1,128}$/;
/** The seed's body has no window length: one /predict call summarises this much activity unless window_seconds says otherwise. */
export const PREDICT_WINDOW_SECONDS = 60;
export const DEFAULT_PREDICT_RATE: RateLimit = { perSecond: 20 };

const MESSAGES: Record<RiskLevel, string> = {
  critical: 'High risk detected',
  high: 'High risk detected',
  medium: 'Moderate risk detected',
  low: 'Low risk',
  clean: 'No risk detected',
};

/**
 * The seed's `POST /predict`: one window of a sample's activity in, the sample's risk score
 * (0..100, Vigil's ledger over all the sample's windows) out, with the reasons. Open without
 * a token as in the seed, so limited per client.
 */
export function addPredictRoute(router: Router, scorer: LiveScorer, rate: RateLimit = DEFAULT_PREDICT_RATE): void {
  const limit = new ClientRateLimit(rate);
  router.add('POST', '/predict', async (request) => {
    await limit.admit(request.req, '/predict');
    const { sampleId, summary } = parsePredictBody(jsonObject(request.raw));
    return { status: 200, body: predictAnswer(sampleId, scorer.score(`predict:${sampleId}`, summary), summary) };
  });
}

/** The body checked field by field; every problem named in one 400. */
export function parsePredictBody(body: Record<string, unknown>): { sampleId: string; summary: WindowSummary } {
  const problems: string[] = [];
  const sampleId = body.sample_id;
  if (sampleId === undefined) problems.push('sample_id is missing');
  else if (typeof sampleId !== 'string' || !SAMPLE_ID.test(sampleId)) problems.push('sample_id must be a string of 1-128 characters without control characters');
  const n: Record<string, number> = {};
  const check = (name: string, required: boolean): void => {
    const v = body[name];
    if (v === undefined || v === null) {
      if (required) problems.push(`${name} is missing`);
      return;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${name} must be a number, got ${JSON.stringify(v)}`);
    else if (v < 0) problems.push(`${name} must not be negative, got ${v}`);
    else if ((COUNT_FIELDS.has(name) || !required) && !Number.isInteger(v)) problems.push(`${name} must be a whole number, got ${v}`);
    else n[name] = v;
  };
  for (const f of PREDICT_FIELDS) check(f, true);
  for (const f of OPTIONAL_COUNTS) check(f, false);
  const windowSeconds = body.window_seconds ?? PREDICT_WINDOW_SECONDS;
  if (typeof windowSeconds !== 'number' || !(windowSeconds >= 1 && windowSeconds <= 600)) {
    problems.push(`window_seconds must be a number from 1 to 600, got ${JSON.stringify(windowSeconds)}`);
  }
  if (problems.length > 0) throw new HttpError(400, `invalid /predict body: ${problems.join('; ')}`);
  const windowMs = (windowSeconds as number) * 1000;
  if (n.inactivity_time! * 1000 > windowMs) {
    throw new HttpError(400, `invalid /predict body: inactivity_time ${n.inactivity_time} s is longer than the ${windowMs / 1000} s window (set window_seconds)`);
  }
  return {
    sampleId: sampleId as string,
    summary: {
      windowMs,
      keystrokeCount: n.keystroke_count ?? null,
      meanDwellMs: n.mean_dwell!,
      stdDwellMs: n.std_dwell!,
      meanFlightMs: n.mean_flight!,
      stdFlightMs: n.std_flight!,
      backspaceRatio: null,
      mouseMoveCount: n.mouse_move_count ?? null,
      // The seed names no unit; its example (2.5) reads as pixels per millisecond. Vigil's is px/s.
      meanMouseSpeed: n.avg_mouse_speed! * 1000,
      inactivityMs: n.inactivity_time! * 1000,
      focusLosses: n.tab_switch_count!,
      unfocusedMs: null,
      copyEvents: n.copy_events!,
      pasteEvents: n.paste_events!,
      // A web page cannot tell where pasted text came from, so no paste is called external.
      externalPasteEvents: 0,
    },
  };
}

function predictAnswer(sampleId: string, s: LiveScore, summary: WindowSummary) {
  const { risk, detection } = s;
  const notes: string[] = [];
  if (summary.keystrokeCount === null) notes.push('without keystroke_count, typing rhythm (mean/std dwell and flight) is not judged');
  if (summary.mouseMoveCount === null) notes.push('without mouse_move_count, mouse speed is not judged');
  return {
    risk_score: risk.score,
    message: risk.locked ? 'Risk score reached 100: lock the exam and submit it' : MESSAGES[risk.level],
    sample_id: sampleId,
    level: risk.level,
    locked: risk.locked,
    warning: risk.warning,
    reasons: risk.reasons,
    window: { sequence: s.sequence, startedAt: s.window.startedAt, endedAt: s.window.endedAt },
    detection: {
      level: detection.riskLevel,
      probability: detection.probability,
      confidence: detection.confidence,
      flagged: detection.shouldFlag,
      patterns: detection.patterns,
      featureScores: detection.featureScores,
      inputIssues: detection.inputIssues.filter((i) => !/^(keystrokeCount|mouseMoveCount|backspaceRatio|unfocusedMs) NaN/.test(i)),
    },
    notes,
  };
}
