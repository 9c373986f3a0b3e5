import type { CheckKind, CheckSeverity, ProhibitedCategory } from '../../contract/policy-integrity';
import type { DesktopSession } from './desktop-session';
import { assessDisplays } from './display-parsers';
import type { ProbeOutcome } from './environment-probes';
import type { NativeDisplay } from './native-addon';
import type { ProhibitedProcess } from './process-watch';

/** Everything the pre-exam check looked at. */
export interface SystemFacts {
  session: DesktopSession;
  /** Parts of OS-level capture that cannot run here, with the reason. */
  unavailable: { what: string; reason: string }[];
  prohibited: ProhibitedProcess[];
  /** null: no display list could be read (that is itself in `probes` or `unavailable`). */
  displays: NativeDisplay[] | null;
  probes: ProbeOutcome[];
}

export interface CheckFinding {
  kind: CheckKind;
  severity: Exclude<CheckSeverity, 'ignore'>;
  /** What the student should do, in their words. */
  message: string;
  [evidence: string]: unknown;
}

export interface SystemCheckResult {
  /** No finding blocks the exam (warnings may remain). */
  ok: boolean;
  findings: CheckFinding[];
}

const CATEGORY_LABEL: Record<ProhibitedCategory, string> = {
  ai_assistant: 'AI assistant',
  remote_control: 'remote control',
  screen_capture: 'screen capture',
  communication: 'communication',
  virtual_machine: 'virtual machine',
  debugger: 'debugger',
  automation: 'input automation',
};

/**
 * Pure: turns what the check saw into findings, each weighed by the policy. A problem the
 * student can fix says how ("Close these applications: …"); one they cannot says what it
 * means for the exam.
 */
export function assessSystem(facts: SystemFacts, checks: Record<CheckKind, CheckSeverity>): SystemCheckResult {
  const raw: { kind: CheckKind; message: string; [evidence: string]: unknown }[] = [];

  if (facts.prohibited.length > 0) {
    const apps = uniqueApps(facts.prohibited);
    raw.push({
      kind: 'prohibited_app',
      message: `Close these applications: ${apps.map((a) => `${a.name} (${CATEGORY_LABEL[a.category]})`).join(', ')}.`,
      apps,
    });
  }

  if (facts.displays) {
    const d = assessDisplays(facts.displays);
    const separate = facts.displays.filter((x) => !x.mirrored).length + (d.mirrored ? 1 : 0);
    if (separate > 1) {
      raw.push({
        kind: 'second_display',
        message:
          separate === 2
            ? `Disconnect the second display: only one screen may be used during the exam (${d.evidence}).`
            : `Disconnect the extra displays: only one screen may be used during the exam (${d.evidence}).`,
        displays: facts.displays,
      });
    }
    if (d.mirrored) {
      raw.push({
        kind: 'mirrored_display',
        message: `Turn off display mirroring: the exam may be shown on one screen only (${d.evidence}).`,
        displays: facts.displays,
      });
    }
  }

  if (facts.session.kind === 'wayland') {
    raw.push({ kind: 'capture_unavailable', what: 'wayland', message: `Vigil's checks are limited: ${facts.session.reason}`, reason: facts.session.reason });
  }
  for (const u of facts.unavailable) {
    if (u.what === 'wayland') continue;
    raw.push({ kind: 'capture_unavailable', what: u.what, message: `Vigil cannot watch this part of the computer (${u.what}): ${u.reason}`, reason: u.reason });
  }

  for (const o of facts.probes) {
    if (!o.ok) {
      raw.push({
        kind: 'probe_failed',
        probe: o.probe,
        message: `Vigil could not check ${o.probe.replace(/_/g, ' ')} (${o.reason}). Run the check again; if this stays, ask your proctor.`,
        reason: o.reason,
      });
      continue;
    }
    const f = o.finding;
    if (f.kind === 'displays' || f.evidence.length === 0) continue;
    if (f.kind === 'virtual_machine') {
      raw.push({ kind: 'virtual_machine', message: 'Vigil is running inside a virtual machine. Take the exam on the computer itself.', evidence: f.evidence });
    } else if (f.kind === 'remote_session') {
      raw.push({ kind: 'remote_session', message: 'End the remote session and take the exam sitting at this computer.', evidence: f.evidence });
    } else {
      raw.push({
        kind: 'debugger',
        message: `Close the debugger attached to Vigil${f.tracer?.name ? ` (${f.tracer.name}, process ${f.tracer.pid})` : ''}.`,
        evidence: f.evidence,
        ...(f.tracer ? { tracer: f.tracer } : {}),
      });
    }
  }

  const findings: CheckFinding[] = [];
  for (const r of raw) {
    const severity = checks[r.kind];
    if (severity !== 'ignore') findings.push({ ...r, severity });
  }
  return { ok: !findings.some((f) => f.severity === 'block'), findings };
}

function uniqueApps(list: ProhibitedProcess[]) {
  const seen = new Map<string, { name: string; category: ProhibitedCategory; pids: number[]; executable: string | null; entry: string }>();
  for (const p of list) {
    const key = `${p.category}:${p.entry}`;
    const app = seen.get(key);
    if (app) app.pids.push(p.pid);
    else seen.set(key, { name: p.name, category: p.category, pids: [p.pid], executable: p.executable, entry: p.entry });
  }
  return [...seen.values()];
}
