import type { DetectorSettings } from '../../contract/policy';
import { Baseline, clampUnit, round } from '../baseline';
import { field, isBaselineState, isNumberOrNull, type Detector, type DetectorOutput, type DetectorState, type Observation } from './detector';

/** Focus losses are counted over this much recent exam time ("repeated leaving"). */
const RECENT_MS = 60_000;
/** Losses in RECENT_MS that saturate the app-switching feature. */
const SWITCHES_FOR_FULL_SCORE = 4;
/**
 * Engagement must stay collapsed this long before it counts on its own (students read and
 * think for minutes); right after leaving the exam window a shorter collapse counts.
 */
const COLLAPSE_ALONE_MS = 180_000;
const COLLAPSE_AFTER_LEAVING_MS = 15_000;
/** Engagement below this fraction of the baseline counts as collapsed. */
const COLLAPSE_FRACTION = 0.1;

/**
 * focus_collapse: repeated leaving of the exam window, long absences, or a sustained drop
 * in engagement (keys + mouse per second) against the student's own baseline. An
 * engagement drop alone is weak evidence (students read and think), so it is capped low.
 */
export class FocusCollapseDetector implements Detector {
  readonly name = 'focus_collapse' as const;
  private readonly engagement: Baseline;
  /** Recent focus losses as (window end, count), oldest first. */
  private readonly recent: { at: number; losses: number }[] = [];
  private lowSince: number | null = null;

  /**
   * `scoreLeaving: false`: leaving the window is counted elsewhere (the ledger charges it as
   * integrity), so it gives no signal and no finding here; only engagement is judged.
   */
  constructor(
    private readonly s: DetectorSettings,
    private readonly opts: { scoreLeaving: boolean } = { scoreLeaving: true },
  ) {
    this.engagement = new Baseline(s.baselineMinPackages, 0.05, s.zThreshold);
  }

  save(): DetectorState {
    return { engagement: this.engagement.save(), recent: this.recent.map((r) => [r.at, r.losses]), lowSince: this.lowSince };
  }

  load(state: DetectorState): void {
    this.engagement.load(field(state, 'engagement', isBaselineState));
    const recent = field(state, 'recent', (v): v is [number, number][] =>
      Array.isArray(v) && v.every((r) => Array.isArray(r) && r.length === 2 && r.every((x) => typeof x === 'number' && Number.isFinite(x))),
    );
    this.recent.length = 0;
    for (const [at, losses] of recent) this.recent.push({ at, losses });
    this.lowSince = field(state, 'lowSince', isNumberOrNull);
  }

  observe(o: Observation): DetectorOutput {
    const { pkg, bad, durationMs } = o;
    const signals: DetectorOutput['signals'] = {};
    const seconds = durationMs / 1000;

    const away = bad.unfocusedMs ? null : pkg.unfocusedMs / durationMs;
    // Counted elsewhere, the leaving features read 0 (nothing unusual here), not absent: absent
    // features would leave the classifier weighing the few that remain, mouse inactivity alone.
    signals.focus_anomaly = this.opts.scoreLeaving || away === null ? away : 0;
    signals.mouse_inactivity = bad.inactivityMs ? null : clampUnit(pkg.inactivityMs / durationMs);

    let lossesRecent: number | null = null;
    if (!bad.focusLosses) {
      if (pkg.focusLosses > 0) this.recent.push({ at: pkg.endedAt, losses: pkg.focusLosses });
      while (this.recent.length > 0 && this.recent[0]!.at <= pkg.endedAt - RECENT_MS) this.recent.shift();
      lossesRecent = 0;
      for (const r of this.recent) lossesRecent += r.losses;
      signals.app_switching = this.opts.scoreLeaving ? clampUnit(lossesRecent / SWITCHES_FOR_FULL_SCORE) : 0;
    } else signals.app_switching = null;

    // Engagement learns only from time the exam window had focus.
    const rate =
      bad.keystrokeCount || bad.mouseMoveCount ? null : (pkg.keystrokeCount + pkg.mouseMoveCount / 10) / seconds;
    const ready = this.engagement.ready(o.learningOver);
    const base = this.engagement.average;
    if (rate !== null && (away === null || away < 0.5)) {
      if (ready && base >= 0.5 && rate < base * COLLAPSE_FRACTION) this.lowSince ??= pkg.startedAt;
      else this.lowSince = null;
      this.engagement.observe(rate, o.learningOver);
    }

    if (this.opts.scoreLeaving && lossesRecent !== null && lossesRecent >= 2) {
      const severity = clampUnit(0.3 + 0.2 * (lossesRecent - 1) + 0.3 * (away ?? 0));
      return {
        signals,
        finding: {
          pattern: this.name,
          severity,
          explanation:
            `Left the exam window ${lossesRecent} times in the last ${RECENT_MS / 1000} s` +
            (away !== null ? `, away ${Math.round(away * 100)}% of this ${round(seconds, 1)} s window.` : '.'),
          evidence: { focusLossesRecent: lossesRecent, focusLossesWindow: pkg.focusLosses, awayFraction: round(away ?? 0) },
        },
      };
    }
    if (this.opts.scoreLeaving && away !== null && away >= 0.5) {
      return {
        signals,
        finding: {
          pattern: this.name,
          severity: clampUnit(0.2 + 0.5 * away),
          explanation: `Away from the exam window ${Math.round(away * 100)}% of this ${round(seconds, 1)} s window (${Math.round(pkg.unfocusedMs)} ms).`,
          evidence: { awayFraction: round(away), unfocusedMs: Math.round(pkg.unfocusedMs) },
        },
      };
    }
    const lowMs = this.lowSince === null ? 0 : pkg.endedAt - this.lowSince;
    const afterLeaving = this.opts.scoreLeaving && lossesRecent !== null && lossesRecent > 0;
    const needed = afterLeaving ? COLLAPSE_AFTER_LEAVING_MS : COLLAPSE_ALONE_MS;
    if (rate !== null && this.lowSince !== null && lowMs >= needed) {
      return {
        signals,
        finding: {
          pattern: this.name,
          severity: 0.25,
          explanation:
            `Engagement fell to ${round(rate)} events/s for ${round(lowMs / 1000, 1)} s` +
            (needed === COLLAPSE_AFTER_LEAVING_MS ? ' after leaving the exam window, ' : ', ') +
            `below ${COLLAPSE_FRACTION * 100}% of this student's baseline of ${round(base)} events/s.`,
          evidence: { engagementPerSecond: round(rate), baselinePerSecond: round(base), lowForMs: Math.round(lowMs), focusLossesRecent: lossesRecent ?? 0 },
        },
      };
    }
    return { signals, finding: null };
  }
}
