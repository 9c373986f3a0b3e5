import type { KeystrokeSample } from '../../contract/activity';
import type { DetectorSettings } from '../../contract/policy';
import { Baseline, clampUnit, round } from '../baseline';
import { enrollTypist, scoreTypist, TYPIST_DECISION_THRESHOLD, type TypistProfile } from '../typist/typist-model';
import type { Detector, DetectorOutput, Observation } from './detector';

/** Probe scores the per-student calibration needs before it may raise the threshold. */
const CALIBRATION_SCORES = 4;

/**
 * biometric_drift: the typist changed. Enrols the typist model on the student's first
 * keystrokes, then scores the most recent keystrokes (a rolling probe) every time enough
 * new ones arrived. The decision threshold is the model's own, raised for a student whose
 * early genuine scores are unusually spread (their baseline), and a finding needs several
 * consecutive over-threshold probes: a false flag can cost a student an exam.
 */
export class BiometricDriftDetector implements Detector {
  readonly name = 'biometric_drift' as const;
  private readonly enrollBuffer: KeystrokeSample[] = [];
  private profile: TypistProfile | null = null;
  private probe: KeystrokeSample[] = [];
  private sinceScore = 0;
  private over = 0;
  private lastScore: number | null = null;
  private keysSinceEnrol = 0;
  /** Genuine-looking scores right after enrolment: this student's own score baseline. */
  private readonly scores: Baseline;
  private readonly scoreEvery: number;

  constructor(private readonly s: DetectorSettings) {
    this.scores = new Baseline(CALIBRATION_SCORES, 1, s.zThreshold);
    this.scoreEvery = Math.max(5, Math.round(s.typistProbeKeystrokes / 4));
  }

  /** The current decision threshold for this student. */
  threshold(): number {
    if (!this.scores.ready(true)) return TYPIST_DECISION_THRESHOLD;
    return Math.max(TYPIST_DECISION_THRESHOLD, this.scores.average + this.s.zThreshold * this.scores.std);
  }

  observe(o: Observation): DetectorOutput {
    const ks = o.pkg.keystrokes;
    if (ks.length === 0) return { signals: { keystroke_anomaly: null }, finding: null };
    if (this.profile === null) {
      for (const k of ks) this.enrollBuffer.push(k);
      if (this.enrollBuffer.length >= this.s.typistEnrollKeystrokes) {
        this.profile = enrollTypist(this.enrollBuffer);
        // The enrolment keys also seed the probe, so the first probe is comparable at once.
        this.probe = this.enrollBuffer.slice(-this.s.typistProbeKeystrokes);
        this.enrollBuffer.length = 0;
      }
      return { signals: { keystroke_anomaly: null }, finding: null };
    }

    for (const k of ks) this.probe.push(k);
    const size = this.s.typistProbeKeystrokes;
    if (this.probe.length > 2 * size) this.probe = this.probe.slice(-size);
    this.sinceScore += ks.length;
    this.keysSinceEnrol += ks.length;
    if (this.sinceScore < this.scoreEvery) return this.state(null);
    this.sinceScore = 0;

    const window = this.probe.length > size ? this.probe.slice(-size) : this.probe;
    const score = scoreTypist(this.profile, window);
    const thr = this.threshold();
    this.lastScore = score;
    if (score > thr) this.over++;
    else {
      this.over = 0;
      // Only probes made entirely of post-enrolment keys calibrate the student's score baseline.
      if (this.keysSinceEnrol >= size) this.scores.observe(score, true);
    }
    if (this.over < this.s.typistConsecutive) return this.state(null);
    const severity = clampUnit(0.5 + 0.5 * ((score - thr) / thr));
    return this.state({
      pattern: this.name,
      severity,
      explanation:
        `The last ${window.length} keystrokes type unlike the typist enrolled on this student's first ` +
        `${this.profile.keystrokes}: typist score ${round(score, 2)} against a threshold of ${round(thr, 2)} ` +
        `(model ${TYPIST_DECISION_THRESHOLD}, student's own genuine scores ${round(this.scores.average, 2)} ± ${round(this.scores.std, 2)}), ` +
        `${this.over} probes in a row.`,
      evidence: {
        typistScore: round(score, 3),
        threshold: round(thr, 3),
        probeKeystrokes: window.length,
        enrolledKeystrokes: this.profile.keystrokes,
        consecutiveProbes: this.over,
        baselineScoreMean: round(this.scores.average, 3),
        baselineScoreStd: round(this.scores.std, 3),
      },
    });
  }

  private state(finding: DetectorOutput['finding']): DetectorOutput {
    const thr = this.threshold();
    // Half-way (0.5) at the decision threshold, saturating at twice it.
    const signal = this.lastScore === null ? null : clampUnit(this.lastScore / (2 * thr));
    return { signals: { keystroke_anomaly: signal }, finding };
  }
}
