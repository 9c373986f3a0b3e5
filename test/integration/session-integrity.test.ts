import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../src-main/contract';
import type { Exam, IntegrityObservation, RawEvent, Result } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { openAttemptFile } from '../../src-main/session/attempt-file';
import { ExamSession } from '../../src-main/session/exam-session';
import { FakeClock } from '../fake-clock';

/** OS-level integrity observations reach the attempt's audit log through the event sources. */

const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);
const unwrap = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('session: integrity observations', () => {
  let dataDir: string;
  let scheduler: FakeClock;
  let session: ExamSession | null = null;
  const policy = defaultPolicy();

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-session-integrity-'));
    scheduler = new FakeClock(T0);
  });
  afterEach(async () => {
    await session?.close();
    session = null;
    rmSync(dataDir, { recursive: true, force: true });
  });

  function start() {
    let emit: ((e: RawEvent) => void) | null = null;
    // stop() keeps `emit`: a native thread can still deliver one observation after it.
    const source = { name: 'integrity-monitor', start: (e: (x: RawEvent) => void) => void (emit = e), stop: () => undefined };
    const exam = unwrap(loadExamFile(DEMO_EXAM_FILE)) as Exam;
    const opts = { exam, policy, dataDir, studentId: 's-1', scheduler, serverUrl: null, log: () => {} };
    const { file, store, restored } = openAttemptFile({ dataDir, examId: exam.id, studentId: 's-1', policy, clock: scheduler });
    session = new ExamSession({ ...opts, sources: [source] }, file, store, scheduler, restored);
    session.start();
    const send = (o: IntegrityObservation) => emit!({ kind: 'integrity', t: o.t, observation: o });
    return { store, send };
  }

  it('records each observation as evidence in the audit log; points come from the fair ledger alone, one charge per observation', async () => {
    const { store, send } = start();
    const seen: IntegrityObservation[] = [
      { t: T0 + 10, kind: 'foreground_changed', pid: 4242, executable: '/usr/bin/xterm', appClass: 'XTerm', title: 'notes', window: 77 },
      { t: T0 + 20, kind: 'prohibited_app', pid: 51, executable: '/opt/ollama/ollama', name: 'ollama', category: 'ai_assistant', entry: 'ollama', via: 'executable_name' },
      { t: T0 + 30, kind: 'synthetic_input', device: 'Virtual core XTEST keyboard', count: 9, keys: 9, buttons: 0, motions: 0, injectedBy: 'xtest', allowedBy: null },
      { t: T0 + 40, kind: 'capture_unavailable', what: 'wayland', reason: 'Wayland: limited' },
    ];
    for (const o of seen) send(o);
    const rows = store.entries({ limit: 100 }).filter((e) => e.kind === 'integrity_observation');
    expect(rows.map((r) => r.payload)).toEqual(seen);
    // The evidence rows add nothing; the ledger warns the first graceable violation (the
    // prohibited app) and charges the injected input once. The open departure to xterm is
    // not charged until the student is back (or it has lasted its full time).
    const charges = store.entries({ limit: 100 }).filter((e) => e.kind === 'integrity_event').map((e) => e.payload as Record<string, unknown>);
    expect(charges.map((c) => [c.kind, c.points, c.grace])).toEqual([
      ['prohibited_app', 0, true],
      ['synthetic_input', policy.ledger.integrityPoints.synthetic_input, false],
    ]);
    expect(unwrap(await session!.getSnapshot()).risk.score).toBe(policy.ledger.integrityPoints.synthetic_input);
    expect(store.entries({ limit: 100 }).filter((e) => e.kind === 'integrity_finding').map((e) => e.payload.kind)).toEqual(['capture_unavailable']);
  });

  it('reports an observation the audit log refuses, and goes on', async () => {
    const { store, send } = start();
    send({ t: T0, kind: 'remote_session', evidence: ['ssh'], extra: 'not in the schema' } as unknown as IntegrityObservation);
    send({ t: T0 + 1, kind: 'virtual_machine', evidence: ['the CPU reports the hypervisor flag (/proc/cpuinfo)'] });
    const kinds = store.entries({ limit: 100 }).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'integrity_observation')).toHaveLength(1);
    expect(store.entries({ limit: 100 }).find((e) => e.kind === 'error')?.payload).toMatchObject({ what: 'recording an integrity observation' });
  });

  it('takes no more observations once the exam is submitted', async () => {
    const { store, send } = start();
    unwrap(await session!.submit({ confirm: true }));
    send({ t: T0 + 5, kind: 'virtual_machine', evidence: ['x'] });
    expect(store.entries({ limit: 100 }).filter((e) => e.kind === 'integrity_observation')).toEqual([]);
  });
});
