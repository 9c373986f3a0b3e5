import { KeystrokeSampleSchema, type KeystrokeSample } from '../../contract/activity';
import type { DetectorSettings } from '../../contract/policy';
import { clampUnit, round } from '../baseline';
import { enrollTypist, scoreTypist, TYPIST_DECISION_THRESHOLD, type TypistProfile } from '../typist/typist-model';
import { field, isFiniteNumber, type Detector, type DetectorOutput, type DetectorState, type Observation } from './detector';

/**
 * CUSUM reference value: half the model's decision threshold. The model's score is about
 * N(0, 1) for the enrolled typist, so a genuine block pulls the sum down and only a run of
 * unlike blocks builds it up.
 */
const DRIFT = TYPIST_DECISION_THRESHOLD / 2;
/** Held-out enrolment blocks scored to learn the student's own genuine score level and spread. */
const CALIBRATION_FOLDS = 10;
/** Floor on that spread: ten blocks can look more alike than the student really is. */
const MIN_SPREAD = 0.5;

/**
 * biometric_drift: the typist changed. Enrols the typist model on the student's first
 * keystrokes (the per-student baseline) and learns how that student's own held-out blocks
 * score against it; then scores every new block of keystrokes, in units of that genuine
 * variation, and accumulates the evidence (CUSUM: S = max(0, S + score - drift)). It fires when S
 * passes the policy alarm level: one odd sentence does not flag a student, a different
 * typist does within a few blocks. After firing the sum restarts, so a lasting change keeps
 * being reported with fresh evidence.
 *
 * Measured on the 280 development typists (test/integration/replay-fairness.test.ts).
 */
export class BiometricDriftDetector implements Detector {
  readonly name = 'biometric_drift' as const;
  /** The enrolment keystrokes (kept: a restored session rebuilds the same profile from them). */
  private enrolled: KeystrokeSample[] = [];
  private profile: TypistProfile | null = null;
  private block: KeystrokeSample[] = [];
  /** The key before the current block, so the block's first digraph is scored too. */
  private previous: KeystrokeSample | null = null;
  private cusum = 0;
  private blocks = 0;
  private blocksInRun = 0;
  private runMax = 0;
  /** The student's genuine block scores (held-out enrolment blocks): mean and spread. */
  private genuineMean = 0;
  private genuineSpread = 1;

  constructor(private readonly s: DetectorSettings) {}

  observe(o: Observation): DetectorOutput {
    const ks = o.pkg.keystrokes;
    if (o.bad.keystrokes) {
      // Some samples were dropped as impossible: the rest would join keys that were not
      // adjacent into false digraphs. Skip the window and start the next block afresh.
      this.previous = null;
      this.block = [];
      return { signals: { keystroke_anomaly: null }, finding: null };
    }
    if (ks.length === 0) return { signals: { keystroke_anomaly: null }, finding: null };
    if (this.profile === null) {
      for (const k of ks) this.enrolled.push(k);
      if (this.enrolled.length < this.s.typistEnrollKeystrokes) return { signals: { keystroke_anomaly: null }, finding: null };
      this.enrol();
      this.previous = this.enrolled[this.enrolled.length - 1] ?? null;
      return this.output(null, 0);
    }

    let fired: { score: number; sum: number; run: number; runMax: number } | null = null;
    for (const k of ks) {
      this.block.push(k);
      if (this.block.length < this.s.typistBlockKeystrokes) continue;
      const probe = this.previous ? [this.previous, ...this.block] : this.block;
      const raw = scoreTypist(this.profile, probe);
      // In units of this student's own genuine variation, so the alarm means the same for a
      // steady typist and an erratic one (and whatever the model's raw scale).
      const score = (raw - this.genuineMean) / this.genuineSpread;
      this.previous = this.block[this.block.length - 1]!;
      this.block = [];
      this.blocks++;
      this.cusum = Math.max(0, this.cusum + score - DRIFT);
      if (this.cusum > 0) {
        this.blocksInRun++;
        this.runMax = Math.max(this.runMax, score);
      } else {
        this.blocksInRun = 0;
        this.runMax = 0;
      }
      if (this.cusum > this.s.typistAlarm) {
        fired = { score, sum: this.cusum, run: this.blocksInRun, runMax: this.runMax };
        this.cusum = 0;
        this.blocksInRun = 0;
        this.runMax = 0;
      }
    }
    if (!fired) return this.output(null, this.cusum);
    const alarm = this.s.typistAlarm;
    const n = this.s.typistBlockKeystrokes;
    return this.output({
      pattern: this.name,
      severity: clampUnit(0.7 + 0.3 * ((fired.sum - alarm) / alarm)),
      explanation:
        `The last ${fired.run} blocks of ${n} keystrokes type unlike the typist enrolled on this student's first ` +
        `${this.profile.keystrokes} keystrokes: accumulated evidence ${round(fired.sum, 2)} passed the alarm level ${alarm} ` +
        `(block scores in units of this student's own variation, ${round(this.genuineMean, 2)} ± ${round(this.genuineSpread, 2)} ` +
        `on the model's scale; each block above ${DRIFT} adds to it; latest ${round(fired.score, 2)}, highest ${round(fired.runMax, 2)}).`,
      evidence: {
        cusum: round(fired.sum, 3),
        alarm,
        latestBlockScore: round(fired.score, 3),
        maxBlockScore: round(fired.runMax, 3),
        blocksInRun: fired.run,
        blockKeystrokes: n,
        enrolledKeystrokes: this.profile.keystrokes,
        blocksScored: this.blocks,
        genuineMean: round(this.genuineMean, 3),
        genuineSpread: round(this.genuineSpread, 3),
      },
    }, fired.sum);
  }

  save(): DetectorState {
    return {
      enrolled: this.enrolled,
      enrolledDone: this.profile !== null,
      block: this.block,
      previous: this.previous,
      cusum: this.cusum,
      blocks: this.blocks,
      blocksInRun: this.blocksInRun,
      runMax: this.runMax,
    };
  }

  load(state: DetectorState): void {
    const samples = (v: unknown): v is KeystrokeSample[] => Array.isArray(v) && v.every((k) => KeystrokeSampleSchema.safeParse(k).success);
    this.enrolled = [...field(state, 'enrolled', samples)];
    this.block = [...field(state, 'block', samples)];
    this.previous = field(state, 'previous', (v): v is KeystrokeSample | null => v === null || KeystrokeSampleSchema.safeParse(v).success);
    this.cusum = field(state, 'cusum', isFiniteNumber);
    this.blocks = field(state, 'blocks', isFiniteNumber);
    this.blocksInRun = field(state, 'blocksInRun', isFiniteNumber);
    this.runMax = field(state, 'runMax', isFiniteNumber);
    this.profile = null;
    if (field(state, 'enrolledDone', (v): v is boolean => typeof v === 'boolean')) this.enrol();
  }

  /** Builds the profile and the student's genuine calibration from the enrolment (deterministic). */
  private enrol(): void {
    this.profile = enrollTypist(this.enrolled);
    this.calibrate(this.enrolled);
  }

  /**
   * Leave-one-block-out over the enrolment: each held-out block is scored against a profile
   * built from the rest, which is how a later block of the same student scores.
   */
  private calibrate(enrolled: readonly KeystrokeSample[]): void {
    const n = this.s.typistBlockKeystrokes;
    const blocks = Math.floor(enrolled.length / n);
    if (blocks < 3) return;
    const folds = Math.min(CALIBRATION_FOLDS, blocks);
    const scores: number[] = [];
    for (let f = 0; f < folds; f++) {
      const b = Math.floor((f * blocks) / folds);
      const from = b * n;
      const held = enrolled.slice(Math.max(0, from - 1), from + n);
      const rest = enrolled.slice(0, from).concat(enrolled.slice(from + n));
      scores.push(scoreTypist(enrollTypist(rest), held));
    }
    let mean = 0;
    for (const x of scores) mean += x;
    mean /= scores.length;
    let sq = 0;
    for (const x of scores) sq += (x - mean) * (x - mean);
    this.genuineMean = mean;
    this.genuineSpread = Math.max(MIN_SPREAD, Math.sqrt(sq / (scores.length - 1)));
  }

  /** `evidence` is the accumulated sum this package reached: 0 for the enrolled typist, 1 at the alarm level. */
  private output(finding: DetectorOutput['finding'], evidence: number): DetectorOutput {
    return { signals: { keystroke_anomaly: clampUnit(evidence / this.s.typistAlarm) }, finding };
  }
}
