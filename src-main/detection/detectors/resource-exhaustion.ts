import type { DetectorSettings } from '../../contract/policy';
import { Baseline, clampUnit, round, zToUnit } from '../baseline';
import { field, isBaselineState, isFiniteNumber, isNumberOrNull, type Detector, type DetectorOutput, type DetectorState, type Observation } from './detector';

/** CPU load below this percentage is never "exhaustion", whatever the baseline. */
const FLOOR_PERCENT = 60;
/** High load must last at least this long (a compile or an antivirus scan spikes briefly). */
const SUSTAINED_MS = 15_000;

/**
 * resource_exhaustion: sustained CPU load well above this student's own baseline
 * (other programs running alongside the exam).
 */
export class ResourceExhaustionDetector implements Detector {
  readonly name = 'resource_exhaustion' as const;
  private readonly cpu: Baseline;
  private highSince: number | null = null;
  private highSum = 0;
  private highCount = 0;

  constructor(private readonly s: DetectorSettings) {
    this.cpu = new Baseline(s.baselineMinPackages, 5, s.zThreshold);
  }

  save(): DetectorState {
    return { cpu: this.cpu.save(), highSince: this.highSince, highSum: this.highSum, highCount: this.highCount };
  }

  load(state: DetectorState): void {
    this.cpu.load(field(state, 'cpu', isBaselineState));
    this.highSince = field(state, 'highSince', isNumberOrNull);
    this.highSum = field(state, 'highSum', isFiniteNumber);
    this.highCount = field(state, 'highCount', isFiniteNumber);
  }

  observe(o: Observation): DetectorOutput {
    const { pkg, learningOver } = o;
    const load = pkg.cpuLoadPercent;
    if (load === null) {
      this.highSince = null;
      this.highSum = 0;
      this.highCount = 0;
      return { signals: { cpu_activity: null }, finding: null };
    }
    const ready = this.cpu.ready(learningOver);
    const z = this.cpu.z(load);
    this.cpu.observe(load, learningOver);
    if (!ready) return { signals: { cpu_activity: null }, finding: null };

    const zT = this.s.zThreshold;
    const limit = Math.max(FLOOR_PERCENT, this.cpu.average + zT * this.cpu.std);
    const signals = { cpu_activity: zToUnit(z, 1, zT + 2) * clampUnit(load / FLOOR_PERCENT) };
    if (load < limit) {
      this.highSince = null;
      this.highSum = 0;
      this.highCount = 0;
      return { signals, finding: null };
    }
    if (this.highSince === null) this.highSince = pkg.startedAt;
    this.highSum += load;
    this.highCount += 1;
    const sustainedMs = pkg.endedAt - this.highSince;
    if (sustainedMs < SUSTAINED_MS) return { signals, finding: null };
    const mean = this.highSum / this.highCount;
    return {
      signals,
      finding: {
        pattern: this.name,
        severity: clampUnit(0.3 + 0.5 * ((mean - limit) / Math.max(1, 100 - limit)) + 0.2 * clampUnit(sustainedMs / 120_000)),
        explanation:
          `CPU load averaged ${round(mean, 1)}% for ${round(sustainedMs / 1000, 1)} s, above the limit of ` +
          `${round(limit, 1)}% set from this student's baseline of ${round(this.cpu.average, 1)}% (sd ${round(this.cpu.std, 1)}).`,
        evidence: {
          cpuLoadPercent: round(load, 1),
          meanHighLoadPercent: round(mean, 1),
          sustainedMs: Math.round(sustainedMs),
          baselinePercent: round(this.cpu.average, 1),
          limitPercent: round(limit, 1),
        },
      },
    };
  }
}
