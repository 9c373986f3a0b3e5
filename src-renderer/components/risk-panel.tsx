import type { RiskLevel, RiskState } from '../../src-main/contract/risk';
import { formatClock } from '../format';

export const LEVEL_LABEL: Record<RiskLevel, string> = {
  clean: 'No concerns',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

/** The session's integrity score, and in plain sentences why it is what it is. */
export function RiskPanel({ risk }: { risk: RiskState }) {
  const score = Math.round(risk.score);
  return (
    <section className={`risk risk--${risk.level}`} aria-labelledby="risk-heading">
      <h2 id="risk-heading" className="risk__heading">
        Integrity
      </h2>
      {risk.warning ? (
        <p className="risk__warning" role="alert">
          {risk.warning}
        </p>
      ) : null}
      <div className="risk__score-row">
        <span className="risk__score">{score}</span>
        <span className="risk__out-of">/ 100</span>
        <span className="risk__level">{LEVEL_LABEL[risk.level]}</span>
      </div>
      <div
        className="risk__meter"
        role="meter"
        aria-label="Integrity risk score"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={score}
        aria-valuetext={`${score} of 100, ${LEVEL_LABEL[risk.level]}`}
      >
        {/* Width through the CSSOM, which a `style-src 'self'` policy allows. */}
        <div className="risk__meter-fill" style={{ width: `${Math.min(100, Math.max(0, risk.score))}%` }} />
      </div>
      <p className="risk__explain">The exam locks and is submitted automatically at 100.</p>
      {risk.reasons.length > 0 ? (
        <>
          <h3 className="risk__reasons-heading">Latest reasons</h3>
          <ul className="risk__reasons">
            {/* The position is part of the key: the ledger can give two entries of one kind the
                same time (it clamps out-of-order times), and a repeated key leaves stale rows. */}
            {risk.reasons.map((reason, i) => (
              <li key={`${i}-${reason.at}-${reason.code}`} className="risk__reason">
                <span className="risk__reason-text">{reason.message}</span>
                <span className="risk__reason-meta">
                  +{Math.round(reason.points)} at {formatClock(reason.at)}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="risk__none">Nothing has been flagged in this session.</p>
      )}
    </section>
  );
}
