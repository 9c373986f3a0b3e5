import type { AuditRecord } from '../audit/audit-store';
import type { AuditRow } from './attempt-reader';
import { detectorLabel, type EvidenceRow } from '../contract/review';
import { arr, num, obj, str, type Payload } from './payload-fields';

type Numbers = EvidenceRow['numbers'];

/** "meanFlightMs" -> "mean flight (ms)": evidence keys made readable, units kept. */
export function readableKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase()
    .split(' ');
  const unit = words.at(-1);
  if (unit === 'ms' || unit === 'percent' || unit === 'bytes') return `${words.slice(0, -1).join(' ')} (${unit === 'percent' ? '%' : unit})`;
  return words.join(' ');
}

export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  return abs >= 100 ? v.toFixed(0) : abs >= 1 ? v.toFixed(2) : v.toFixed(3);
}

const pct = (v: number | null): string => (v === null ? 'n/a' : `${(v * 100).toFixed(1)} %`);

/**
 * The flag file of one flag_raised row, made readable: one row per detector finding (its
 * explanation and evidence numbers), or one 'classifier' row when the combined score alone
 * crossed the threshold. The package's own numbers follow each finding's.
 */
type Row<K extends AuditRecord['kind']> = Extract<AuditRow, { valid: true; kind: K }>;

/**
 * The flag file is read defensively: it is the upload body as stored, which no schema
 * checked on the way back (an older or edited database may hold anything there).
 */
export function flagEvidence(entry: Row<'flag_raised'>, flagFile: unknown, eventId: (detector: string) => string): EvidenceRow[] {
  const file = obj(flagFile);
  const risk = obj(file?.riskAssessment);
  const { level, probability } = entry.payload;
  const packageNumbers: Numbers = [
    { label: 'package', value: `#${entry.payload.sequence}` },
    { label: 'behaviour probability', value: pct(probability) },
    { label: 'confidence', value: pct(num(risk, 'confidence')) },
  ];
  const snapshot = obj(file?.activitySnapshot);
  for (const key of ['keystrokeCount', 'meanFlightMs', 'focusLosses', 'unfocusedMs', 'externalPasteEvents', 'cpuLoadPercent']) {
    const v = num(snapshot, key);
    if (v !== null) packageNumbers.push({ label: readableKey(key), value: formatNumber(v) });
  }
  const base = { seq: entry.seq, at: entry.at, type: 'flag' as const, level };
  if (!file) {
    return [
      {
        ...base,
        id: `flag-${entry.seq}-missing`,
        eventId: eventId('classifier'),
        detector: 'classifier',
        title: `Flag, ${level}`,
        explanation: 'The flag file sent with this flag is not in the outbox (an older or edited database); only the audit row is shown.',
        numbers: packageNumbers,
      },
    ];
  }
  const findings = arr(file.patterns).map(obj).filter((f): f is Payload => f !== undefined);
  if (findings.length === 0) {
    const features: Numbers = arr(file.featureScores)
      .map(obj)
      .filter((f): f is Payload => num(f, 'score') !== null)
      .map((f) => ({ label: `${readableKey(str(f, 'feature') ?? '?')} score`, value: formatNumber(num(f, 'score')!) }));
    return [
      {
        ...base,
        id: `flag-${entry.seq}-classifier`,
        eventId: eventId('classifier'),
        detector: 'classifier',
        title: `${detectorLabel('classifier')}, ${level}`,
        explanation: str(file, 'severityJustification') ?? 'No explanation in the flag file.',
        numbers: [...packageNumbers, ...features],
      },
    ];
  }
  return findings.map((f, i) => {
    const detector = str(f, 'pattern') ?? 'unknown';
    const evidence = obj(f.evidence) ?? {};
    const numbers: Numbers = [{ label: 'severity', value: pct(num(f, 'severity')) }];
    for (const [k, v] of Object.entries(evidence)) if (typeof v === 'number') numbers.push({ label: readableKey(k), value: formatNumber(v) });
    return {
      ...base,
      id: `flag-${entry.seq}-${i}`,
      eventId: eventId(detector),
      detector,
      title: `${detectorLabel(detector)}, ${level}`,
      explanation: str(f, 'explanation') ?? str(file, 'severityJustification') ?? '',
      numbers: [...numbers, ...packageNumbers.filter((n) => !numbers.some((m) => m.label === n.label))],
    };
  });
}

/** An integrity finding, with what it did to the score (the risk_changed row right after it). */
export function integrityEvidence(entry: Row<'integrity_event'>, next: AuditRow | undefined, eventId: string): EvidenceRow {
  const { kind, message } = entry.payload;
  const numbers: Numbers = [];
  if (next?.valid && next.kind === 'risk_changed') {
    numbers.push({ label: 'risk score', value: `${formatNumber(next.payload.from)} → ${formatNumber(next.payload.to)}` });
    const reason = next.payload.reasons.find((r) => r.code === kind);
    if (reason) numbers.push({ label: 'points added', value: formatNumber(reason.points) });
  }
  return {
    id: `integrity-${entry.seq}`,
    eventId,
    seq: entry.seq,
    at: entry.payload.at,
    type: 'integrity',
    detector: kind,
    title: detectorLabel(kind),
    explanation: message.length > 0 ? message : INTEGRITY_TEXT[kind],
    numbers,
  };
}

const INTEGRITY_TEXT: Record<Row<'integrity_event'>['payload']['kind'], string> = {
  focus_lost: 'The exam window lost the focus: the student switched to another window or application.',
  external_paste: 'Text that was not copied inside the exam was pasted into an answer.',
  prohibited_app: 'A prohibited application was running.',
  second_display: 'A second display was connected.',
  synthetic_input: 'Input that did not come from a physical keyboard or mouse was seen.',
  virtual_machine: 'The exam ran inside a virtual machine.',
  remote_session: 'A remote desktop session was active.',
  debugger: 'A debugger was attached to the exam client.',
};
