import type { DetectorSettings } from '../../contract/policy';
import { Baseline, clampUnit, round } from '../baseline';
import { field, isBaselineState, type Detector, type DetectorOutput, type DetectorState, type Observation } from './detector';

/** Intervals needed in a window before its regularity means anything. */
const MIN_INTERVALS = 12;
/** Pauses longer than this are thinking, not typing rhythm. */
const MAX_INTERVAL_MS = 1_500;
/** Human bounds, used before the student's own baseline exists and as an outer limit after. */
const HUMAN_MIN_CV = 0.08;
const HUMAN_MIN_INTERVAL_MS = 35;
/** A window is "too regular" for this student when its spread is below this fraction of their own. */
const BASELINE_CV_FRACTION = 0.3;

/**
 * temporal_inconsistency: keystroke timing a human cannot produce: press-to-press intervals
 * far more regular than this student's own typing (or than any human's), or too fast.
 * That is what scripted input (xdotool, AutoHotkey, a paste-as-typing tool) looks like.
 */
export class TemporalInconsistencyDetector implements Detector {
  readonly name = 'temporal_inconsistency' as const;
  private readonly cv: Baseline;

  constructor(private readonly s: DetectorSettings) {
    this.cv = new Baseline(s.baselineMinPackages, 0.05, s.zThreshold);
  }

  save(): DetectorState {
    return { cv: this.cv.save() };
  }

  load(state: DetectorState): void {
    this.cv.load(field(state, 'cv', isBaselineState));
  }

  observe(o: Observation): DetectorOutput {
    const ks = o.pkg.keystrokes;
    // A window whose impossible samples were dropped has gaps that are not the typist's rhythm.
    if (o.bad.keystrokes || ks.length <= MIN_INTERVALS) return { signals: { keystroke_anomaly: null }, finding: null };
    let n = 0;
    let sum = 0;
    let sumSq = 0;
    let dwellSum = 0;
    let dwellSq = 0;
    for (let i = 0; i < ks.length; i++) {
      const k = ks[i]!;
      const d = k.up - k.down;
      dwellSum += d;
      dwellSq += d * d;
      if (i === 0) continue;
      const iv = k.down - ks[i - 1]!.down;
      if (iv < 0 || iv > MAX_INTERVAL_MS) continue;
      n++;
      sum += iv;
      sumSq += iv * iv;
    }
    if (n < MIN_INTERVALS) return { signals: { keystroke_anomaly: null }, finding: null };
    const mean = sum / n;
    const sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
    const cv = mean > 0 ? sd / mean : 0;
    const dMean = dwellSum / ks.length;
    const dSd = Math.sqrt(Math.max(0, dwellSq / ks.length - dMean * dMean));

    const ready = this.cv.ready(o.learningOver);
    const base = this.cv.average;
    // The student's own spread sets the limit, but never above the human bound's reach.
    const cvLimit = ready ? Math.max(HUMAN_MIN_CV, Math.min(base * BASELINE_CV_FRACTION, 0.2)) : HUMAN_MIN_CV;
    const tooRegular = cv < cvLimit;
    const tooFast = mean < HUMAN_MIN_INTERVAL_MS;
    if (!tooRegular && !tooFast) this.cv.observe(cv, o.learningOver);

    let severity = 0;
    if (tooRegular) severity = Math.max(severity, 0.5 + 0.5 * clampUnit(1 - cv / cvLimit));
    if (tooFast) severity = Math.max(severity, 0.5 + 0.5 * clampUnit(1 - mean / HUMAN_MIN_INTERVAL_MS));
    const signals = { keystroke_anomaly: severity };
    if (severity === 0) return { signals, finding: null };
    const parts: string[] = [];
    if (tooRegular) {
      parts.push(
        `press intervals vary by ${round(cv * 100, 1)}% (coefficient of variation) against a limit of ${round(cvLimit * 100, 1)}%` +
          (ready ? ` set from this student's usual ${round(base * 100, 1)}%` : ' (human bound; baseline still learning)'),
      );
    }
    if (tooFast) parts.push(`mean press interval ${round(mean, 1)} ms is faster than the human bound of ${HUMAN_MIN_INTERVAL_MS} ms`);
    return {
      signals,
      finding: {
        pattern: this.name,
        severity: clampUnit(severity),
        explanation: `Keystroke timing not humanly plausible over ${n} intervals: ${parts.join('; ')}.`,
        evidence: {
          intervals: n,
          meanIntervalMs: round(mean, 1),
          intervalCv: round(cv, 3),
          cvLimit: round(cvLimit, 3),
          baselineCv: round(base, 3),
          meanDwellMs: round(dMean, 1),
          stdDwellMs: round(dSd, 1),
        },
      },
    };
  }
}
