/**
 * Memory over a simulated 3-hour exam (`npm run bench` runs it in a fresh process per seed):
 * the real engine (session, windower, detectors, ledger, SQLite audit log) fed a student's
 * typing, mouse and system samples second by second, with an autosave every 10 s. Prints RSS,
 * heap used after GC and V8's heap reservation at 0, 60, 120 and 180 simulated minutes.
 *
 *   npx tsx test/bench/exam-memory.ts [seed]
 */
// First, as in the app's main process: the engine's V8 flags.
import { HEAP_FLAGS } from '../../src-main/runtime/heap-tuning';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { KeystrokeSample, RawEvent, RawEventSource } from '../../src-main/contract/activity';
import { defaultPolicy } from '../../src-main/contract/policy';
import { demoExamFile, loadExamFile } from '../../src-main/exam/exam-files';
import { openExamSession } from '../../src-main/session/open-exam-session';
import { FakeClock } from '../fake-clock';
import { seededRandom } from '../seeded-random';
import { MEMORY_BUDGET_MIB } from './exam-memory-budget';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MINUTES = 180;
const CHECKPOINTS = [0, 60, 120, 180];
const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const CATS: KeystrokeSample['category'][] = ['letter', 'letter', 'letter', 'letter', 'space', 'backspace', 'modifier'];

class SimulatedStudent implements RawEventSource {
  readonly name = 'simulated-student';
  private emit: ((e: RawEvent) => void) | null = null;
  private x = 500;
  private y = 400;
  constructor(private readonly rand: () => number) {}
  start(emit: (e: RawEvent) => void): void {
    this.emit = emit;
  }
  stop(): void {
    this.emit = null;
  }
  /** One second of activity starting at t: ~4 keystrokes, a few mouse moves, a system sample every other second. */
  second(t: number): void {
    const emit = this.emit;
    if (!emit) return;
    let at = t + this.rand() * 50;
    for (let k = 0, n = 2 + Math.floor(this.rand() * 5); k < n; k++) {
      const category = CATS[Math.floor(this.rand() * CATS.length)]!;
      emit({ kind: 'key', sample: { category, zone: category === 'letter' ? 1 + Math.floor(this.rand() * 8) : 9, down: at, up: at + 60 + this.rand() * 70 } });
      at += 120 + this.rand() * 110;
    }
    for (let m = 0, n = Math.floor(this.rand() * 6); m < n; m++) {
      this.x += (this.rand() - 0.5) * 40;
      this.y += (this.rand() - 0.5) * 40;
      emit({ kind: 'mouse-move', t: t + m * 150, x: this.x, y: this.y });
    }
    if (Math.floor(t / 1000) % 2 === 0) {
      emit({ kind: 'system', t, cpuLoadPercent: 10 + this.rand() * 20, netRxBytesPerSec: 1000 + this.rand() * 3000, netTxBytesPerSec: 200 + this.rand() * 600 });
    }
  }
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

async function main(seed: number): Promise<void> {
  // Run from the repository root (npm run bench), bundled or not.
  const exam = loadExamFile(demoExamFile(process.cwd()));
  if (!exam.ok) throw new Error(exam.error.message);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-mem-'));
  const rand = seededRandom(seed);
  const student = new SimulatedStudent(rand);
  const scheduler = new FakeClock(T0);
  const session = await openExamSession({
    exam: { ...exam.value, durationMinutes: MINUTES + 5 },
    policy: defaultPolicy(),
    dataDir,
    studentId: `bench-${seed}`,
    scheduler,
    sources: [student],
    serverUrl: null,
    log: () => {},
  });
  let essay = '';
  const rows: string[] = [];
  let over = false;
  for (let s = 0; s <= MINUTES * 60; s++) {
    if (s % 60 === 0 && CHECKPOINTS.includes(s / 60)) {
      gc();
      gc();
      const m = process.memoryUsage();
      if (m.rss / 1024 / 1024 > MEMORY_BUDGET_MIB) over = true;
      rows.push(`  seed ${seed} minute ${String(s / 60).padStart(3)}: RSS ${mib(m.rss)} MiB, heap used ${mib(m.heapUsed)} MiB, heap reserved ${mib(m.heapTotal)} MiB, external ${mib(m.external)} MiB`);
    }
    if (s === MINUTES * 60) break;
    const t = scheduler.now();
    student.second(t);
    if (s % 10 === 9) {
      essay = (essay + ' the quick brown fox jumps over the lazy dog').slice(-7_900);
      const r = await session.saveAnswer({ questionId: 'q4', value: essay });
      if (!r.ok) throw new Error(`save refused: ${r.error.message}`);
    }
    scheduler.advanceBy(1000);
  }
  await session.close();
  rmSync(dataDir, { recursive: true, force: true });
  console.log(rows.join('\n'));
  console.log(`  seed ${seed}: V8 flags ${HEAP_FLAGS.join(' ')}; ${over ? `ABOVE the ${MEMORY_BUDGET_MIB} MiB budget` : `within the ${MEMORY_BUDGET_MIB} MiB budget`} at every checkpoint`);
}

await main(Number(process.argv[2] ?? 1));
