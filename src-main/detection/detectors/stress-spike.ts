import type { DetectorSettings } from '../../contract/policy';
import { Baseline, clampUnit, round, zToUnit } from '../baseline';
import { field, isBaselineState, type Detector, type DetectorOutput, type DetectorState, type Observation } from './detector';

/** Typing statistics of a window with fewer keys than this are too noisy to judge. */
const MIN_KEYS = 10;
const MIN_MOUSE_MOVES = 10;
/** Indicators that must be unusual at once. */
const MIN_INDICATORS = 2;

/**
 * stress_spike: several stress indicators at once against the student's own baseline:
 * an error burst (backspace ratio), erratic rhythm (flight-time spread) and mouse jitter
 * (mouse speed). One indicator alone is ordinary variation.
 */
export class StressSpikeDetector implements Detector {
  readonly name = 'stress_spike' as const;
  private readonly errors: Baseline;
  private readonly rhythm: Baseline;
  private readonly jitter: Baseline;

  constructor(private readonly s: DetectorSettings) {
    this.errors = new Baseline(s.baselineMinPackages, 0.03, s.zThreshold);
    this.rhythm = new Baseline(s.baselineMinPackages, 0.15, s.zThreshold); // log ms
    this.jitter = new Baseline(s.baselineMinPackages, 0.25, s.zThreshold); // log px/s
  }

  save(): DetectorState {
    return { errors: this.errors.save(), rhythm: this.rhythm.save(), jitter: this.jitter.save() };
  }

  load(state: DetectorState): void {
    this.errors.load(field(state, 'errors', isBaselineState));
    this.rhythm.load(field(state, 'rhythm', isBaselineState));
    this.jitter.load(field(state, 'jitter', isBaselineState));
  }

  observe(o: Observation): DetectorOutput {
    const { pkg, bad, learningOver } = o;
    const zT = this.s.zThreshold;
    const typed = !bad.keystrokeCount && pkg.keystrokeCount >= MIN_KEYS;
    const moved = !bad.mouseMoveCount && pkg.mouseMoveCount >= MIN_MOUSE_MOVES;

    const zs: { name: string; z: number; value: number; base: number }[] = [];
    let keystrokeErrors: number | null = null;
    if (typed && !bad.backspaceRatio) {
      const ready = this.errors.ready(learningOver);
      const z = this.errors.z(pkg.backspaceRatio);
      if (ready) {
        keystrokeErrors = zToUnit(z, 1, zT + 2);
        zs.push({ name: 'backspaceRatio', z, value: pkg.backspaceRatio, base: this.errors.average });
      }
      this.errors.observe(pkg.backspaceRatio, learningOver);
    }
    if (typed && !bad.stdFlightMs) {
      const x = Math.log1p(pkg.stdFlightMs);
      if (this.rhythm.ready(learningOver)) {
        zs.push({ name: 'stdFlightMs', z: this.rhythm.z(x), value: pkg.stdFlightMs, base: Math.expm1(this.rhythm.average) });
      }
      this.rhythm.observe(x, learningOver);
    }
    if (moved && !bad.meanMouseSpeed) {
      const x = Math.log1p(pkg.meanMouseSpeed);
      if (this.jitter.ready(learningOver)) {
        zs.push({ name: 'meanMouseSpeed', z: this.jitter.z(x), value: pkg.meanMouseSpeed, base: Math.expm1(this.jitter.average) });
      }
      this.jitter.observe(x, learningOver);
    }

    const signals = { keystroke_errors: keystrokeErrors };
    const high = zs.filter((i) => i.z > zT);
    if (high.length < MIN_INDICATORS) return { signals, finding: null };
    let excess = 0;
    const evidence: Record<string, number> = { indicators: high.length };
    for (const i of high) {
      excess += zToUnit(i.z, zT, 2 * zT);
      evidence[i.name] = round(i.value, 3);
      evidence[`${i.name}Baseline`] = round(i.base, 3);
      evidence[`${i.name}Z`] = round(i.z);
    }
    return {
      signals,
      finding: {
        pattern: this.name,
        severity: clampUnit(0.2 * high.length + 0.4 * (excess / high.length)),
        explanation:
          `${high.length} stress indicators at once against this student's baseline: ` +
          high.map((i) => `${label(i.name)} ${round(i.value, 3)} vs ${round(i.base, 3)} (z=${round(i.z, 1)})`).join('; ') +
          '.',
        evidence,
      },
    };
  }
}

function label(name: string): string {
  return name === 'backspaceRatio' ? 'error burst: backspace ratio' : name === 'stdFlightMs' ? 'erratic rhythm: flight spread ms' : 'mouse jitter: speed px/s';
}
