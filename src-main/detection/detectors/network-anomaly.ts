import type { DetectorSettings } from '../../contract/policy';
import { Baseline, round, zToUnit } from '../baseline';
import { field, isBaselineState, type Detector, type DetectorOutput, type DetectorState, type Observation } from './detector';

/** Traffic below this (bytes/s) is never anomalous, whatever the baseline: an idle exam is nearly silent. */
const FLOOR_BYTES_PER_SEC = 50_000;

/**
 * network_anomaly: traffic unusual for this student's own baseline (log scale, so a
 * tenfold jump matters the same at any level). Upload (tx) is judged on its own too:
 * exfiltration and remote helpers send.
 */
export class NetworkAnomalyDetector implements Detector {
  readonly name = 'network_anomaly' as const;
  private readonly total: Baseline;
  private readonly tx: Baseline;

  constructor(private readonly s: DetectorSettings) {
    this.total = new Baseline(s.baselineMinPackages, 0.5, s.zThreshold);
    this.tx = new Baseline(s.baselineMinPackages, 0.5, s.zThreshold);
  }

  save(): DetectorState {
    return { total: this.total.save(), tx: this.tx.save() };
  }

  load(state: DetectorState): void {
    this.total.load(field(state, 'total', isBaselineState));
    this.tx.load(field(state, 'tx', isBaselineState));
  }

  observe(o: Observation): DetectorOutput {
    const { pkg, learningOver } = o;
    const rx = pkg.netRxBytesPerSec;
    const txv = pkg.netTxBytesPerSec;
    if (rx === null || txv === null) return { signals: { network_activity: null }, finding: null };
    const sum = rx + txv;
    const lt = Math.log1p(sum);
    const lx = Math.log1p(txv);
    const ready = this.total.ready(learningOver);
    const zTotal = this.total.z(lt);
    const zTx = this.tx.z(lx);
    this.total.observe(lt, learningOver);
    this.tx.observe(lx, learningOver);
    if (!ready) return { signals: { network_activity: null }, finding: null };

    const zT = this.s.zThreshold;
    const zTotalEff = sum >= FLOOR_BYTES_PER_SEC ? zTotal : 0;
    const zTxEff = txv >= FLOOR_BYTES_PER_SEC ? zTx : 0;
    const z = Math.max(zTotalEff, zTxEff);
    const signals = { network_activity: zToUnit(z, 1, zT + 3) };
    if (z <= zT) return { signals, finding: null };
    const baseTotal = Math.expm1(this.total.average);
    const baseTx = Math.expm1(this.tx.average);
    return {
      signals,
      finding: {
        pattern: this.name,
        severity: 0.3 + 0.7 * zToUnit(z, zT, zT + 4),
        explanation:
          `Network traffic ${kb(sum)} KB/s (upload ${kb(txv)} KB/s) against this student's baseline of ` +
          `${kb(baseTotal)} KB/s (upload ${kb(baseTx)} KB/s); ${round(z, 1)} standard deviations above on a log scale.`,
        evidence: {
          bytesPerSec: Math.round(sum),
          txBytesPerSec: Math.round(txv),
          baselineBytesPerSec: Math.round(baseTotal),
          baselineTxBytesPerSec: Math.round(baseTx),
          zTotal: round(zTotal),
          zTx: round(zTx),
        },
      },
    };
  }
}

const kb = (b: number): number => round(b / 1000, 1);
