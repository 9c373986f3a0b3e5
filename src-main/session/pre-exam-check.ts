import type { AuditStore } from '../audit/audit-store';
import type { Upload } from '../audit/chained-upload';
import type { SystemCheckFinding, SystemCheckReport } from '../contract';

/** What the session needs from the machine's check (capture/integrity/system-check.ts gives it). */
export type SystemCheckRunner = () => Promise<{ ok: boolean; findings: { kind: string; severity: 'block' | 'warn'; message: string }[] }>;

/**
 * The pre-exam system check of one attempt: runs the check, keeps the last report for the
 * page, and records every run. A check that throws is a blocking finding (probes fail
 * closed), never a clean report. One run at a time: a second call while one runs shares it.
 */
/** The start as the exam server has it (or will be told it: `upload`, queued under exam_started). */
export interface ServerStart {
  serverAt: number;
  deadline?: number;
  upload?: Upload;
}

export class PreExamCheck {
  private last: SystemCheckReport | null = null;
  private running: Promise<SystemCheckReport> | null = null;
  private starting: Promise<{ check: SystemCheckReport; startedAt: number | null }> | null = null;

  constructor(
    private readonly run: SystemCheckRunner,
    private readonly store: AuditStore,
    private readonly now: () => number,
  ) {}

  get report(): SystemCheckReport | null {
    return this.last;
  }

  check(): Promise<SystemCheckReport> {
    this.running ??= this.runOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * Checks once more and, when nothing blocks, has the exam server start the time (`anchor`,
   * for a registered attempt) and, if `stillChecking()` holds after both, records exam_started
   * (with the warnings the policy let it start with, and the server's start). Returns the
   * start time, or null when the exam may not start.
   */
  start(
    stillChecking: () => boolean,
    anchor: () => Promise<ServerStart | null> = async () => null,
  ): Promise<{ check: SystemCheckReport; startedAt: number | null }> {
    // A second Start while one runs shares it: one server start, one exam_started.
    this.starting ??= this.startOnce(stillChecking, anchor).finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async startOnce(
    stillChecking: () => boolean,
    anchor: () => Promise<ServerStart | null>,
  ): Promise<{ check: SystemCheckReport; startedAt: number | null }> {
    const check = await this.check();
    if (!check.ok || !stillChecking()) return { check, startedAt: null };
    // Closed while the server answered: the server's start stands, and a restart's Start gets the same deadline.
    const { upload, ...server } = (await anchor()) ?? {};
    if (!stillChecking()) return { check, startedAt: null };
    const at = this.now();
    this.store.append('exam_started', { at, warnings: check.findings.filter((f) => f.severity === 'warn'), ...server }, upload);
    return { check, startedAt: at };
  }

  private async runOnce(): Promise<SystemCheckReport> {
    let findings: SystemCheckFinding[];
    try {
      const r = await this.run();
      // Only what the student is shown is kept on the report; the evidence is in the audit row's message.
      findings = r.findings.map((f) => ({ kind: f.kind, severity: f.severity, message: f.message }));
      if (!r.ok && !findings.some((f) => f.severity === 'block')) {
        findings.push({ kind: 'probe_failed', severity: 'block', message: 'The system check did not pass. Run it again; if this stays, ask your proctor.' });
      }
    } catch (e) {
      findings = [
        {
          kind: 'probe_failed',
          severity: 'block',
          message: `Vigil could not check this computer (${e instanceof Error ? e.message : String(e)}). Run the check again; if this stays, ask your proctor.`,
        },
      ];
    }
    const report: SystemCheckReport = { at: this.now(), ok: !findings.some((f) => f.severity === 'block'), findings };
    this.store.append('system_check', { at: report.at, ok: report.ok, findings: report.findings });
    this.last = report;
    return report;
  }
}
