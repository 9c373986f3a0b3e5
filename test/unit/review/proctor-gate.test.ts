import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ok, type Result } from '../../../src-main/contract/result';
import { REVIEW_VERBS, type ReviewVerb } from '../../../src-main/contract/review';
import { hashQuitPassword } from '../../../src-main/exam/quit-password';
import { MAX_RETRY_DELAY_MS, ProctorGate, retryDelayMs } from '../../../src-main/review/proctor-gate';
import { REVIEW_ACCESS_LOG_NAME } from '../../../src-main/review/review-access-log';
import { FakeClock } from '../../fake-clock';

const PASSWORD = 'proctor-room-12';
// The quit dialog's format with a cheap cost: the test checks the gate, not scrypt's price.
const HASH = hashQuitPassword(PASSWORD, { N: 1024, r: 8, p: 1 });
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const freshRoot = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'vigil-gate-'));
  dirs.push(d);
  return d;
};

/** Stands in for ReviewService: records which verbs reached it. */
function recordingService() {
  const calls: string[] = [];
  return {
    calls,
    invoke: async (verb: ReviewVerb, _input: unknown): Promise<Result<unknown>> => {
      calls.push(verb);
      return ok({ verb });
    },
  };
}

function gate(opts: { root?: string; hash?: string | null; clock?: FakeClock } = {}) {
  const service = recordingService();
  const clock = opts.clock ?? new FakeClock(Date.UTC(2026, 10, 26, 9));
  const lines: string[] = [];
  const root = opts.root ?? freshRoot();
  const g = new ProctorGate({ service, passwordHash: opts.hash === undefined ? HASH : opts.hash, root, now: () => clock.now(), log: (l) => lines.push(l) });
  return { g, service, clock, lines, root };
}

const logLines = (root: string) =>
  readFileSync(path.join(root, REVIEW_ACCESS_LOG_NAME), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { at: number; outcome: string });

const SAMPLE_INPUT: Record<ReviewVerb, unknown> = {
  listAttempts: {},
  openAttempt: { id: 'a.sqlite' },
  answerSaves: { id: 'a.sqlite' },
  verifyAttempt: { id: 'a.sqlite' },
  saveReview: { id: 'a.sqlite', disposition: 'no_issue', notes: 'fine' },
  exportAttempt: { id: 'a.sqlite', format: 'flags.csv' },
};

describe('the proctor gate in front of the review verbs', () => {
  it('refuses every review verb before the sign-in, without reaching the review service', async () => {
    const { g, service } = gate();
    for (const verb of Object.keys(REVIEW_VERBS) as ReviewVerb[]) {
      expect(await g.invoke(verb, SAMPLE_INPUT[verb])).toEqual({
        ok: false,
        error: { code: 'not_signed_in', message: 'The review is locked: sign in with the proctor password first.' },
      });
    }
    // Nor does an unknown verb slip through to the service.
    expect(await g.invoke('dropTables', {})).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });
    expect(service.calls).toEqual([]);
    expect(g.state()).toMatchObject({ required: true, signedIn: false, failedSinceLastSignIn: 0, retryAt: null });
  });

  it('refuses a wrong password, records it (never the password), and stays locked', async () => {
    const { g, service, root, lines } = gate();
    const r = await g.invoke('proctorSignIn', { password: 'proctor-room-13' });
    expect(r).toEqual({ ok: false, error: { code: 'wrong_password', message: 'Wrong password. 1 wrong password since the last proctor sign-in; try again in 1 s.' } });
    expect(await g.invoke('listAttempts', {})).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });
    expect(service.calls).toEqual([]);
    expect(logLines(root).map((l) => l.outcome)).toEqual(['wrong_password']);
    const text = readFileSync(path.join(root, REVIEW_ACCESS_LOG_NAME), 'utf8');
    expect(text).not.toContain('proctor-room');
    expect(lines).toEqual(['review: proctor sign-in: wrong password']);
    expect(g.state()).toMatchObject({ signedIn: false, failedSinceLastSignIn: 1 });
  });

  it('opens with the right password: the verbs reach the service, and the proctor is told how many wrong ones came before', async () => {
    const { g, service, clock, root } = gate();
    await g.invoke('proctorSignIn', { password: 'guess-one!' });
    clock.advanceBy(1000);
    await g.invoke('proctorSignIn', { password: 'guess-two!' });
    const failedAt = clock.now();
    clock.advanceBy(2000);
    const r = await g.invoke('proctorSignIn', { password: PASSWORD });
    expect(r).toEqual({
      ok: true,
      value: { required: true, signedIn: true, failedSinceLastSignIn: 2, lastFailureAt: failedAt, previousSignInAt: null, retryAt: null, logFile: path.join(root, REVIEW_ACCESS_LOG_NAME) },
    });
    expect(await g.invoke('listAttempts', {})).toEqual({ ok: true, value: { verb: 'listAttempts' } });
    expect(await g.invoke('saveReview', SAMPLE_INPUT.saveReview)).toMatchObject({ ok: true });
    expect(service.calls).toEqual(['listAttempts', 'saveReview']);
    expect(logLines(root).map((l) => l.outcome)).toEqual(['wrong_password', 'wrong_password', 'signed_in']);
  });

  it('locks again on sign-out, and records it', async () => {
    const { g, service, root } = gate();
    expect(await g.invoke('proctorSignOut', {})).toMatchObject({ ok: true, value: { signedIn: false } });
    await g.invoke('proctorSignIn', { password: PASSWORD });
    expect(await g.invoke('listAttempts', {})).toMatchObject({ ok: true });
    expect(await g.invoke('proctorSignOut', { all: true })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await g.invoke('proctorSignOut', {})).toMatchObject({ ok: true, value: { signedIn: false, failedSinceLastSignIn: 0 } });
    expect(await g.invoke('listAttempts', {})).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });
    expect(service.calls).toEqual(['listAttempts']);
    // A sign-out that was not signed in records nothing.
    expect(logLines(root).map((l) => l.outcome)).toEqual(['signed_in', 'signed_out']);
  });

  it('makes each try after a wrong password wait longer, refusing early tries unchecked (and recording them)', async () => {
    const { g, clock, root } = gate();
    expect([1, 2, 3, 4, 5].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 16_000]);
    expect(retryDelayMs(40)).toBe(MAX_RETRY_DELAY_MS);

    for (let n = 1; n <= 4; n++) {
      expect(await g.invoke('proctorSignIn', { password: `wrong-${n}-guess` })).toMatchObject({ ok: false, error: { code: 'wrong_password' } });
      const wait = retryDelayMs(n);
      expect(g.state().retryAt).toBe(clock.now() + wait);
      clock.advanceBy(wait - 1);
      // Even the right password is not checked while the wait runs.
      expect(await g.invoke('proctorSignIn', { password: PASSWORD })).toEqual({ ok: false, error: { code: 'try_later', message: 'Too many wrong passwords: try again in 1 s.' } });
      expect(g.state().signedIn).toBe(false);
      clock.advanceBy(1);
    }
    expect(g.state()).toMatchObject({ failedSinceLastSignIn: 4, retryAt: null });
    expect(await g.invoke('proctorSignIn', { password: PASSWORD })).toMatchObject({ ok: true, value: { signedIn: true, failedSinceLastSignIn: 4 } });
    const outcomes = logLines(root).map((l) => l.outcome);
    expect(outcomes.filter((o) => o === 'too_soon')).toHaveLength(4);
    expect(outcomes.at(-1)).toBe('signed_in');
  });

  it('keeps the count and the wait across a restart of the review (read back from the log)', async () => {
    const first = gate();
    for (let n = 0; n < 3; n++) {
      await first.g.invoke('proctorSignIn', { password: `wrong-${n}-guess` });
      first.clock.advanceBy(retryDelayMs(n + 1));
    }
    const clock = new FakeClock(first.clock.now() - retryDelayMs(3) + 10);
    const again = gate({ root: first.root, clock });
    expect(again.g.state()).toMatchObject({ failedSinceLastSignIn: 3, retryAt: first.clock.now() });
    expect(await again.g.invoke('proctorSignIn', { password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'try_later' } });
    clock.advanceTo(first.clock.now());
    expect(await again.g.invoke('proctorSignIn', { password: PASSWORD })).toMatchObject({ ok: true, value: { failedSinceLastSignIn: 3 } });
    // The next review starts from this sign-in: no wrong passwords since, and when it was.
    const third = gate({ root: first.root, clock });
    expect(third.g.state()).toMatchObject({ failedSinceLastSignIn: 0, previousSignInAt: clock.now(), signedIn: false });
  });

  it('skips lines of the log that are not its own, and says so', () => {
    const root = freshRoot();
    writeFileSync(path.join(root, REVIEW_ACCESS_LOG_NAME), '{"at":5,"outcome":"wrong_password"}\nnot json\n{"at":"x","outcome":"signed_in"}\n');
    const { g, lines } = gate({ root });
    expect(g.state()).toMatchObject({ failedSinceLastSignIn: 1, lastFailureAt: 5 });
    expect(lines[0]).toMatch(/2 unreadable line\(s\) in .*vigil-review-access\.jsonl were skipped/);
  });

  it('refuses a sign-in it cannot record, even with the right password', async () => {
    const root = freshRoot();
    const { g, service } = gate({ root: path.join(root, 'gone') });
    const r = await g.invoke('proctorSignIn', { password: PASSWORD });
    expect(r).toMatchObject({ ok: false, error: { code: 'storage_failed', message: expect.stringMatching(/^Cannot record the proctor sign-in in .*gone.*vigil-review-access\.jsonl: .*ENOENT.*The review stays locked\.$/) } });
    expect(g.state().signedIn).toBe(false);
    expect(await g.invoke('listAttempts', {})).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });
    expect(service.calls).toEqual([]);
  });

  it('fails closed on a log it cannot read', () => {
    // A folder where the log should be is unreadable as a file for every user, root included.
    const root = freshRoot();
    mkdirSync(path.join(root, REVIEW_ACCESS_LOG_NAME));
    expect(() => gate({ root })).toThrow(/Cannot read the proctor sign-in log .*vigil-review-access\.jsonl: EISDIR/);
  });

  it('checks the input of the sign-in and counts no empty try', async () => {
    const { g, root } = gate();
    expect(await g.invoke('proctorSignIn', { password: '' })).toEqual({ ok: false, error: { code: 'invalid_input', message: 'Type the proctor password.' } });
    expect(await g.invoke('proctorSignIn', { password: PASSWORD, extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await g.invoke('proctorSignIn', { password: 'x'.repeat(1025) })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await g.invoke('reviewAccess', { sneaky: true })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(existsSync(path.join(root, REVIEW_ACCESS_LOG_NAME))).toBe(false);
    expect(g.state().failedSinceLastSignIn).toBe(0);
  });

  it('without a password to ask for, passes every verb through and writes no log', async () => {
    const { g, service, root } = gate({ hash: null });
    expect(g.state()).toEqual({ required: false, signedIn: false, failedSinceLastSignIn: 0, lastFailureAt: null, previousSignInAt: null, retryAt: null, logFile: null });
    expect(await g.invoke('listAttempts', {})).toMatchObject({ ok: true });
    expect(service.calls).toEqual(['listAttempts']);
    expect(existsSync(path.join(root, REVIEW_ACCESS_LOG_NAME))).toBe(false);
  });
});
