import type { Departure } from '../contract/integrity';
import type { LedgerPolicy } from '../contract/policy';
import type { LeavingPolicy } from '../contract/policy-integrity';
import type { IntegrityKind } from '../contract/risk';
import type { ChargeOptions } from './risk-ledger';

export interface DepartureCharge {
  kind: IntegrityKind;
  message: string;
  opts: ChargeOptions;
}

const SURFACE_WORDS = { notification: 'a notification', os_dialog: 'a system dialog', screen_lock: 'the screen lock' } as const;

/**
 * What one departure costs, before grace: what took focus decides the kind and the base
 * points, the time away scales the points of an unknown application. A prohibited app is
 * charged once per app (`alreadyCharged` says it was, e.g. by the process watch); going back
 * to it again is then weighed as time away like any other application.
 */
export function departureCharge(
  d: Departure,
  ledger: LedgerPolicy,
  leaving: LeavingPolicy,
  alreadyCharged: (key: string) => boolean,
): DepartureCharge {
  const awayMs = Math.max(0, d.to - d.from);
  const away = `away ${formatSeconds(awayMs)}`;
  const target = d.target;
  if (target.kind === 'system_surface') {
    return {
      kind: 'focus_lost',
      message: `${SURFACE_WORDS[target.surface]} (${target.name}) took focus, ${away}`,
      opts: { points: leaving.surfacePoints[target.surface], graceable: true },
    };
  }
  if (target.kind === 'prohibited_app') {
    const key = prohibitedKey(target.category, target.name);
    if (!alreadyCharged(key)) {
      return {
        kind: 'prohibited_app',
        message: `switched to ${target.name} (${target.category.replace(/_/g, ' ')}), ${away}`,
        opts: { key, graceable: true },
      };
    }
  }
  const name = target.name === null ? 'another window' : target.name;
  const freeMs = leaving.freeSeconds * 1000;
  const fullMs = Math.max(freeMs + 1, leaving.fullPointsAfterSeconds * 1000);
  const fraction = awayMs <= freeMs ? 0 : Math.min(1, (awayMs - freeMs) / (fullMs - freeMs));
  const points = ledger.integrityPoints.focus_lost * fraction;
  const why = fraction === 0 ? ` (under ${leaving.freeSeconds} s: no points)` : '';
  return { kind: 'focus_lost', message: `switched to ${name}, ${away}${why}`, opts: { points, graceable: true } };
}

/** One key per prohibited application, shared by the process watch and the foreground. */
export const prohibitedKey = (category: string, name: string): string =>
  `prohibited_app:${category}:${name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')}`;

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return s < 10 ? `${Math.round(s * 10) / 10} s` : `${Math.round(s)} s`;
}
