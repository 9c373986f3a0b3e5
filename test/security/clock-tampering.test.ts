import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../src-main/contract';
import { DEMO_EXAM_FILE, loadExamFile } from '../../src-main/exam/exam-files';
import { SignInGate } from '../../src-main/session/sign-in-gate';
import type { ExamServer } from '../../src-server/exam-server';
import { FakeClock, SettableClock } from '../fake-clock';
import { startServerWithDemoExam, type Roster } from '../exam-server-fixture';
import { unwrap } from '../unwrap';

// "Set the clock back, or forward" (issue 8), where the network is also under the student's
// control: with the app closed, the wall clock moved and the exam server unreachable at the
// restart, the deadline must not move later. (Clock jumps while the app runs, and restarts
// while online, are in test/integration/session-clock.test.ts and session-registration.test.ts.)

const HOUR = 3600_000;
const START = Math.floor(Date.now() / 60_000) * 60_000;
let dataDir: string;
let server: ExamServer;
let roster: Roster;
const gates: SignInGate[] = [];
beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-clock-'));
  ({ server, roster } = await startServerWithDemoExam({ log: () => {} }));
});
afterEach(async () => {
  for (const g of gates.splice(0)) await g.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function gate(clock: FakeClock): SignInGate {
  const loaded = loadExamFile(DEMO_EXAM_FILE);
  if (!loaded.ok) throw new Error(loaded.error.message);
  const g = new SignInGate({ exam: loaded.value, policy: defaultPolicy(), dataDir, scheduler: clock, serverUrl: server.url, appVersion: '0.1.0', log: () => {} });
  gates.push(g);
  return g;
}

describe('the wall clock moved while the app was closed, the server unreachable at the restart', () => {
  it('set back an hour: the deadline does not move later (at most the time left when the app was closed)', async () => {
    const clock = new SettableClock(START);
    const g = gate(clock);
    const first = unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    clock.advanceBy(10 * 60_000);
    unwrap(await g.saveAnswer({ questionId: 'q3', value: 'ten minutes in' }));
    // What the student was shown as left when the app closed (the page's countdown).
    const left = unwrap(await g.getSnapshot()).deadline! - clock.now();
    await g.close();

    server.setAvailable(false);
    const later = new SettableClock(START + 12 * 60_000);
    later.setWallBy(-HOUR);
    const resumed = unwrap(await gate(later).signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    expect(resumed.sessionId).toBe(first.sessionId);
    // At most what was left when the app was closed; never an hour more.
    expect(resumed.deadline! - later.now()).toBeLessThanOrEqual(left);
  });

  it('set back an hour while the exam ran, then a restart offline: the recorded jump is added back', async () => {
    const clock = new SettableClock(START);
    const g = gate(clock);
    const first = unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    clock.advanceBy(5 * 60_000);
    clock.setWallBy(-HOUR);
    clock.advanceBy(5 * 60_000); // the session notices and records the jump
    unwrap(await g.saveAnswer({ questionId: 'q3', value: 'after the jump' }));
    // What the student was shown as left when the app closed (the page's countdown).
    const left = unwrap(await g.getSnapshot()).deadline! - clock.now();
    await g.close();

    server.setAvailable(false);
    const later = new SettableClock(START + 11 * 60_000);
    later.setWallBy(-HOUR);
    const resumed = unwrap(await gate(later).signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    expect(resumed.deadline! - later.now()).toBeLessThanOrEqual(left);
  });

  it('set forward: the exam does not end early for it while online again', async () => {
    const clock = new SettableClock(START);
    const g = gate(clock);
    const first = unwrap(await g.signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    const left = first.deadline! - clock.now();
    await g.close();

    const later = new SettableClock(START + 60_000);
    later.setWallBy(+5 * HOUR);
    const resumed = unwrap(await gate(later).signIn({ studentId: 'alice', accessCode: roster.codes.alice! }));
    expect(resumed.phase).toBe('active');
    // The server's time decides (the test's server runs on the real clock, START = now).
    expect(resumed.deadline! - later.now()).toBeGreaterThan(left - 2 * 60_000);
  });
});
