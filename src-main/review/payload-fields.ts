/**
 * Defensive reads of audit payload fields. Review must show old, odd and hand-edited rows
 * rather than fail on them, so a missing or mistyped field reads as absent.
 */
export type Payload = Record<string, unknown>;

export const num = (p: Payload | undefined, key: string): number | null => {
  const v = p?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

export const str = (p: Payload | undefined, key: string): string | null => {
  const v = p?.[key];
  return typeof v === 'string' ? v : null;
};

export const obj = (v: unknown): Payload | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Payload) : undefined;

export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
