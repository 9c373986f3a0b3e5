import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadableAttempt } from '../../src-main/contract/review';
import { awaySpans } from '../../src-main/review/attempt-timeline';
import { toCsv } from '../../src-main/review/review-export';
import { ReviewNotes } from '../../src-main/review/review-notes';
import { ReviewService } from '../../src-main/review/review-service';
import { foreignDatabase, killedAttempt, newerSchemaCopy, tamperRow, truncatedCopy, writeAttempt } from '../review/attempt-fixtures';
import { fingerprint } from '../review/review-room';

const root = path.join(import.meta.dirname, '../..');
let dir: string;
let honest: string;
let locked: string;
let tampered: string;
let tamperedSeq: number;
let before: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-review-reader-'));
  honest = await writeAttempt(dir, 'ana', 'honest', { seed: 1 });
  locked = await writeAttempt(dir, 'dan', 'locked', { seed: 2 });
  tampered = await writeAttempt(dir, 'eve', 'locked', { seed: 3 });
  const db = new Database(tampered, { readonly: true });
  tamperedSeq = (db.prepare("SELECT seq FROM audit WHERE kind = 'integrity_event' ORDER BY seq LIMIT 1").get() as { seq: number }).seq;
  db.close();
  tamperRow(tampered, tamperedSeq, { kind: 'focus_lost', at: 0, message: 'edited' });
  await killedAttempt(dir, 'finn');
  mkdirSync(path.join(dir, 'bad'));
  truncatedCopy(honest, path.join(dir, 'bad', 'truncated.sqlite'), 0.3);
  newerSchemaCopy(honest, path.join(dir, 'bad', 'newer.sqlite'));
  foreignDatabase(path.join(dir, 'bad', 'foreign.sqlite'));
  writeFileSync(path.join(dir, 'bad', 'garbage.db'), 'not sqlite\n'.repeat(500));
  before = fingerprint(dir);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const byStudent = (list: ReturnType<ReviewService['list']>, student: string): ReadableAttempt => {
  const a = list.attempts.find((x) => x.readable && x.studentId === student);
  if (!a?.readable) throw new Error(`no readable attempt for ${student}`);
  return a;
};

describe('review reader', () => {
  it('summarises honest, locked, tampered and killed attempts, and names each unreadable file', () => {
    const list = new ReviewService({ source: dir }).list();
    expect(list.attempts).toHaveLength(8);
    expect(byStudent(list, 'ana')).toMatchObject({
      state: 'submitted',
      submission: { reason: 'student' },
      finalScore: 0,
      peakScore: 0,
      flagCount: 0,
      integrityCount: 0,
      verification: { state: 'ok' },
      delivery: 'pending',
    });
    const dan = byStudent(list, 'dan');
    expect(dan).toMatchObject({ state: 'submitted', submission: { reason: 'risk_limit' }, finalScore: 100, peakScore: 100, integrityByKind: { focus_lost: 3 } });
    expect(dan.flagCount).toBeGreaterThan(0);
    expect(dan.flagCount).toBe(Object.values(dan.flagsByLevel).reduce((a, b) => a + b, 0));
    expect(byStudent(list, 'eve').verification).toMatchObject({ state: 'broken', brokenAtRow: tamperedSeq, reason: expect.stringMatching(/row was changed/) });
    // Killed mid-exam: its rows are in the -wal the dead process left, and review reads them.
    const finn = byStudent(list, 'finn');
    expect(finn).toMatchObject({ state: 'in_progress', submission: null, delivery: 'not_submitted', verification: { state: 'ok' } });
    expect(finn.rows).toBeGreaterThan(100);

    const unreadable = Object.fromEntries(list.attempts.filter((a) => !a.readable).map((a) => [a.id, a.readable ? '' : a.error]));
    expect(unreadable['bad/truncated.sqlite']).toMatch(/^cannot read: .*truncated\.sqlite.*(malformed|not a database)/);
    expect(unreadable['bad/newer.sqlite']).toMatch(/^cannot read: .*newer\.sqlite was written by a newer version of Vigil \(schema 9990/);
    expect(unreadable['bad/foreign.sqlite']).toMatch(/^cannot read: .*foreign\.sqlite is not a Vigil audit database/);
    expect(unreadable['bad/garbage.db']).toMatch(/^cannot read: .*garbage\.db.*not a database/);
    for (const message of Object.values(unreadable)) expect(message).not.toContain('attempt.sqlite'); // never the temporary copy's path
  });

  it('builds the timeline: score steps, packages, markers, away spans, lock before submission', () => {
    const service = new ReviewService({ source: dir });
    const id = service.list().attempts.find((a) => a.readable && a.studentId === 'dan')!.id;
    const d = service.open(id);
    expect(d.packages.endedAt.length).toBeGreaterThan(50);
    expect(d.packages.keysPerMinute.some((k) => k > 100)).toBe(true);
    expect(Math.max(...d.risk.score)).toBe(100);
    const away = d.events.filter((e) => e.kind === 'away');
    // The third absence locked the exam; the windows scored while the lock waited for the page's
    // last saves still measure it, up to the submission.
    expect(away.length).toBe(3);
    for (const span of away.slice(0, 2)) expect(span.end! - span.at).toBe(15_000);
    const submittedAt = d.events.find((e) => e.kind === 'submission')!.at;
    expect(away[2]!.end).toBeLessThanOrEqual(submittedAt);
    expect(away[2]!.end! - away[2]!.at).toBeGreaterThan(0);
    const kinds = d.events.map((e) => e.kind);
    expect(kinds.indexOf('lock')).toBeLessThan(kinds.indexOf('submission'));
    const focusRows = d.evidence.filter((r) => r.detector === 'focus_lost');
    expect(focusRows).toHaveLength(3);
    expect(focusRows[0]!.numbers).toContainEqual({ label: 'points added', value: '40' }); // lockingPolicy: 40 per absence
    const flagRow = d.evidence.find((r) => r.type === 'flag')!;
    expect(flagRow.explanation.length).toBeGreaterThan(20);
    expect(d.events.some((e) => e.id === flagRow.eventId)).toBe(true);
  });

  it('opens an attempt before walking its chain, then verifies it on request', async () => {
    const service = new ReviewService({ source: dir });
    const id = path.basename(tampered);
    expect(service.open(id).summary.verification).toEqual({ state: 'pending' });
    expect(await service.invoke('verifyAttempt', { id })).toMatchObject({ ok: true, value: { state: 'broken', brokenAtRow: tamperedSeq } });
    expect(service.open(id).summary.verification).toMatchObject({ state: 'broken', brokenAtRow: tamperedSeq });
    expect(service.list().attempts.find((a) => a.id === id)).toMatchObject({ verification: { state: 'broken' } });
    const fresh = new ReviewService({ source: dir });
    expect(fresh.list().attempts.find((a) => a.id === id)).toMatchObject({ verification: { state: 'broken', brokenAtRow: tamperedSeq } });
    expect(fresh.open(id).summary.verification).toMatchObject({ state: 'broken' });
  });

  it('a row edited into a shape no Vigil writes is counted, marked on the timeline, and breaks the chain there', () => {
    const odd = path.join(mkdtempSync(path.join(tmpdir(), 'vigil-review-odd-')), 'odd.sqlite');
    copyFileSync(honest, odd);
    const db = new Database(odd, { readonly: true });
    const seq = (db.prepare("SELECT seq FROM audit WHERE kind = 'answer_saved' ORDER BY seq LIMIT 1").get() as { seq: number }).seq;
    db.close();
    tamperRow(odd, seq, { questionId: 'q1', typed: 'the answer text itself' });
    const service = new ReviewService({ source: odd });
    const [summary] = service.list().attempts;
    expect(summary).toMatchObject({ readable: true, invalidRows: 1, verification: { state: 'broken', brokenAtRow: seq } });
    const event = service.open('odd.sqlite').events.find((e) => e.id === `invalid-${seq}`);
    expect(event?.label).toMatch(new RegExp(`^Row ${seq} \\(answer_saved\\) does not fit its schema: .*(typed|revision)`));
    rmSync(path.dirname(odd), { recursive: true, force: true });
  });

  it('left every file byte-identical and added no -wal or -shm', () => {
    expect(fingerprint(dir)).toEqual(before);
  });

  it('audit summary prints one JSON object; exit 1 for a broken chain, 2 for an unreadable file', () => {
    const run = (file: string) => spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src-main/cli/audit.ts'), 'summary', file], { cwd: root, encoding: 'utf8' });
    const ok = run(locked);
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(ok.stdout)).toMatchObject({ studentId: 'dan', state: 'submitted', verification: { state: 'ok' }, peakScore: 100 });
    const broken = run(tampered);
    expect(broken.status).toBe(1);
    expect(JSON.parse(broken.stdout).verification).toMatchObject({ state: 'broken', brokenAtRow: tamperedSeq });
    const bad = run(path.join(dir, 'bad', 'garbage.db'));
    expect(bad).toMatchObject({ status: 2, stdout: '' });
    expect(bad.stderr).toMatch(/^cannot read: .*garbage\.db/);
    expect(fingerprint(dir)).toEqual(before);
  });

  it('refuses bad verb calls as values, and ids that are not attempts it found', async () => {
    const service = new ReviewService({ source: dir });
    expect(await service.invoke('dropTables' as never, {})).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await service.invoke('openAttempt', { id: 42 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await service.invoke('openAttempt', { id: '../../etc/passwd' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/^No attempt/) } });
    expect(await service.invoke('saveReview', { id: 'bad/garbage.db', disposition: 'guilty', notes: '' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const opened = await service.invoke('openAttempt', { id: 'bad/garbage.db' });
    expect(opened).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^cannot read: /) } });
  });

  it('sends the page the answer saves\' times and rows, and their other columns on request', async () => {
    const service = new ReviewService({ source: dir });
    const id = path.basename(honest);
    const full = service.open(id);
    expect(full.answers.at.length).toBeGreaterThan(3);
    const page = await service.invoke('openAttempt', { id });
    if (!page.ok) throw new Error(page.error.message);
    expect(page.value.answers).toEqual({ at: full.answers.at, seq: full.answers.seq });
    expect({ ...page.value, answers: full.answers }).toEqual(full);
    expect(await service.invoke('answerSaves', { id })).toEqual({ ok: true, value: full.answers });
    expect(await service.invoke('answerSaves', { id: 'bad/garbage.db' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^cannot read: /) } });
  });
});

describe('review helpers', () => {
  it('places away spans from the loss for the unfocused time, and merges spans across windows', () => {
    const w = (start: number, unfocusedMs: number) => ({ start, end: start + 5000, unfocusedMs });
    expect(awaySpans([w(0, 2000)], [1000])).toEqual([{ start: 1000, end: 3000 }]);
    expect(awaySpans([w(0, 4000), w(5000, 5000), w(10000, 1500)], [1000])).toEqual([{ start: 1000, end: 11500 }]);
    expect(awaySpans([w(0, 1000), w(20000, 1000)], [500, 20500])).toEqual([
      { start: 500, end: 1500 },
      { start: 20500, end: 21500 },
    ]);
  });

  it('CSV quotes text and defuses cells a spreadsheet would run as formulas', () => {
    const csv = toCsv([{ a: '=HYPERLINK("http://x")', b: 'plain, with comma', c: 3, d: { x: '1', y: '2' } }]);
    expect(csv).toBe('a,b,c,d\n"\'=HYPERLINK(""http://x"")","plain, with comma",3,x=1; y=2\n');
  });

  it('the review file: a damaged one is refused with a clear error, a save replaces it whole', () => {
    const d = mkdtempSync(path.join(tmpdir(), 'vigil-review-notes-'));
    try {
      writeFileSync(path.join(d, 'vigil-review.json'), '{"format":"something else"}');
      expect(() => new ReviewNotes(d)).toThrow(/is not a Vigil review file.*move it away/);
      rmSync(path.join(d, 'vigil-review.json'));
      const notes = new ReviewNotes(d);
      expect(notes.save('a.sqlite', { disposition: 'needs_follow_up', notes: 'ask about 09:12' }, 1000)).toEqual({ disposition: 'needs_follow_up', notes: 'ask about 09:12', updatedAt: 1000 });
      expect(new ReviewNotes(d).get('a.sqlite').disposition).toBe('needs_follow_up');
      expect(new ReviewNotes(d).get('b.sqlite').disposition).toBe('undecided');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
