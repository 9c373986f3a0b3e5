/**
 * Real attempt databases for the review tests and the bench, written by the exam engine
 * itself (openExamSession on a virtual clock, fed synthetic keystrokes, mouse, system
 * samples and window events), then damaged the ways evidence gets damaged.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PolicySchema, type Exam, type Policy, type RawEvent, type RawEventSource } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { openExamSession, type ExamSession } from '../../src-main/session/open-exam-session';
import { FakeClock } from '../fake-clock';
import { syntheticTypist, type SyntheticTypist } from '../unit/typist/synthetic-typist';
import { seededRandom } from '../seeded-random';

export const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

export function demoExam(durationMinutes?: number): Exam {
  const loaded = loadExamFile(DEMO_EXAM_FILE);
  if (!loaded.ok) throw new Error(loaded.error.message);
  return durationMinutes === undefined ? loaded.value : { ...loaded.value, durationMinutes };
}

/** Flag files from 'medium' up, as an invigilated exam would set it. */
export const reviewPolicy = (): Policy => PolicySchema.parse({ schemaVersion: 1, classifier: { flagAtLevel: 'medium' } });

/**
 * The locked attempt's rules: the fair ledger warns the first absence and scales short ones
 * (issue 7); here every 15-second absence costs 40 points from the first, so the third locks.
 */
export const lockingPolicy = (): Policy =>
  PolicySchema.parse({
    schemaVersion: 1,
    classifier: { flagAtLevel: 'medium' },
    ledger: { integrityPoints: { focus_lost: 40 } },
    integrity: { lockdown: { leaving: { freeSeconds: 0, fullPointsAfterSeconds: 15, graceWarnings: 0 } } },
  });

/** Drives one attempt second by second. */
export class AttemptDriver {
  typist: SyntheticTypist | null = null;
  cpu = 18;
  netRx = 2_000;
  netTx = 400;
  private emit: ((e: RawEvent) => void) | null = null;
  private textSeed = 1;
  private readonly rand: () => number;

  session!: ExamSession;

  constructor(
    readonly scheduler: FakeClock,
    seed: number,
  ) {
    this.rand = seededRandom(seed);
  }

  readonly source: RawEventSource = {
    name: 'fixture-input',
    start: (emit) => {
      this.emit = emit;
    },
    stop: () => {
      this.emit = null;
    },
  };

  get elapsedMinutes(): number {
    return (this.scheduler.now() - T0) / 60_000;
  }

  /** Lets `seconds` pass with the current typist, mouse and machine load. */
  run(seconds: number): void {
    for (let s = 0; s < seconds; s++) {
      const now = this.scheduler.now();
      if (this.emit) {
        if (this.typist) {
          for (const k of this.typist.type(5, this.textSeed++, now)) if (k.down < now + 1000) this.emit({ kind: 'key', sample: k });
        }
        for (let m = 0; m < 4; m++) this.emit({ kind: 'mouse-move', t: now + m * 200, x: 400 + this.rand() * 300, y: 300 + this.rand() * 200 });
        const jitter = 0.8 + this.rand() * 0.4;
        this.emit({ kind: 'system', t: now + 500, cpuLoadPercent: this.cpu * jitter, netRxBytesPerSec: this.netRx * jitter, netTxBytesPerSec: this.netTx * jitter });
      }
      this.scheduler.advanceBy(1000);
    }
  }

  async away(seconds: number): Promise<void> {
    await this.session.reportWindowEvent({ kind: 'focus', focused: false });
    const typist = this.typist;
    this.typist = null;
    this.run(seconds);
    this.typist = typist;
    await this.session.reportWindowEvent({ kind: 'focus', focused: true });
  }

  async answer(questionId: string, value: string): Promise<void> {
    const r = await this.session.saveAnswer({ questionId, value });
    if (!r.ok) throw new Error(r.error.message);
  }
}

export type AttemptKind = 'honest' | 'flagged' | 'locked';

export async function writeAttempt(
  dataDir: string,
  studentId: string,
  kind: AttemptKind,
  opts: { exam?: Exam; seed?: number; submit?: boolean } = {},
): Promise<string> {
  const session = await driveAttempt(dataDir, studentId, kind, opts);
  const file = session.file;
  await session.close();
  return file;
}

/** Runs the attempt's script and leaves the session open (the caller closes it, or kills the process). */
export async function driveAttempt(
  dataDir: string,
  studentId: string,
  kind: AttemptKind,
  opts: { exam?: Exam; seed?: number; submit?: boolean } = {},
): Promise<ExamSession> {
  const scheduler = new FakeClock(T0);
  const d = new AttemptDriver(scheduler, opts.seed ?? 7);
  const session = await openExamSession({
    exam: opts.exam ?? demoExam(),
    policy: kind === 'locked' ? lockingPolicy() : reviewPolicy(),
    dataDir,
    studentId,
    scheduler,
    serverUrl: null,
    sources: [d.source],
    log: () => {},
  });
  d.session = session;
  const alice = syntheticTypist(opts.seed ?? 11);
  d.typist = alice;
  d.run(180);
  await d.answer('q1', 'c');
  d.run(120);
  await d.answer('q3', 'F = m a');
  d.run(60);
  if (kind === 'honest') {
    d.run(240);
    await d.answer('q3', 'The net force on a body equals its mass times its acceleration.');
    d.typist = null;
    d.run(60);
    d.typist = alice;
    d.run(300);
    await d.answer('q4', 'Because they are in free fall together with the station.');
    d.run(120);
  } else if (kind === 'flagged') {
    await d.away(40);
    d.run(120);
    d.cpu = 97;
    d.netRx = 4_000_000;
    d.netTx = 2_500_000;
    d.run(15);
    d.cpu = 18;
    d.netRx = 2_000;
    d.netTx = 400;
    d.run(200);
    d.typist = syntheticTypist((opts.seed ?? 11) + 1000, 0.55, 0.6);
    d.run(25);
    d.typist = alice;
    await d.answer('q4', 'Because they fall around the Earth at the same rate as the station does.');
    d.run(240);
    await session.reportWindowEvent({ kind: 'clipboard', action: 'paste', external: true });
    await d.answer('q3', 'The net force on a body equals its mass times its acceleration.');
    d.run(180);
  } else {
    // A burst of someone else's typing (flagged by behaviour), then the absences that lock.
    d.typist = syntheticTypist((opts.seed ?? 11) + 1000, 0.55, 0.6);
    d.run(6);
    d.typist = alice;
    d.run(60);
    for (let i = 0; i < 6; i++) {
      await d.away(15);
      d.run(20);
      const snap = await session.getSnapshot();
      if (snap.ok && snap.value.phase !== 'active') break;
    }
    d.run(5);
  }
  if (opts.submit ?? true) {
    const snap = await session.getSnapshot();
    if (snap.ok && snap.value.phase === 'active') await session.submit({ confirm: true });
  }
  return session;
}

/** An attacker's edit: one audit row's payload changed in place (triggers dropped first). */
export function tamperRow(file: string, seq: number, payload: Record<string, unknown>): void {
  const db = new Database(file);
  try {
    db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
    db.prepare('UPDATE audit SET payload = ? WHERE seq = ?').run(JSON.stringify(payload), seq);
  } finally {
    db.close();
  }
}

/** A copy cut short, as an interrupted copy from the exam machine leaves it. */
export function truncatedCopy(from: string, to: string, fraction = 0.5): void {
  const bytes = readFileSync(from);
  writeFileSync(to, bytes.subarray(0, Math.floor(bytes.length * fraction)));
}

/** The same attempt marked as written by a future Vigil. */
export function newerSchemaCopy(from: string, to: string): void {
  copyFileSync(from, to);
  const db = new Database(to);
  try {
    db.pragma('user_version = 9990');
  } finally {
    db.close();
  }
}

export function foreignDatabase(to: string): void {
  const db = new Database(to);
  try {
    db.exec('CREATE TABLE recipes (name TEXT, minutes INTEGER); INSERT INTO recipes VALUES (\'soup\', 30);');
  } finally {
    db.close();
  }
}

/**
 * An attempt whose exam client was killed (SIGKILL) in the middle of the exam: the engine
 * runs in a child process that kills itself, leaving the database and its -wal behind.
 */
export async function killedAttempt(dataDir: string, studentId: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'killed-attempt-writer.ts'), dataDir, studentId], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errText = '';
  child.stderr.on('data', (b: Buffer) => (errText += b.toString()));
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, s) => resolve(s)));
  if (signal !== 'SIGKILL') throw new Error(`the killed-attempt writer ended with ${String(signal)}: ${errText}`);
}
