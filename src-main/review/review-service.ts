import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../contract/result';
import {
  EMPTY_REVIEW_NOTE,
  REVIEW_VERBS,
  type AttemptDetail,
  type AttemptForPage,
  type AttemptList,
  type AttemptSummary,
  type ExportFormat,
  type ReviewInput,
  type ReviewNote,
  type ReviewOutput,
  type ReviewVerb,
  type Verification,
} from '../contract/review';
import { AttemptReadError, readAttempt, verifyAttempt, type RawAttempt } from './attempt-reader';
import { summarizeAttempt } from './attempt-summary';
import { buildTimeline } from './attempt-timeline';
import { scanAttempts, type FoundAttempt } from './folder-scan';
import { flagRecords, timelineRecords, toCsv, toJsonl } from './review-export';
import { ReviewNotes } from './review-notes';

interface CacheEntry {
  stamp: string;
  raw: RawAttempt | null;
  summary: AttemptSummary;
}

/** How many attempts keep their audit rows in memory (a three-hour attempt is tens of MB). */
const KEEP_ROWS = 4;

function fileStamp(file: string): string {
  const part = (f: string): string => {
    try {
      const st = statSync(f);
      return `${st.size}:${st.mtimeMs}:${st.ino}`;
    } catch {
      return '-';
    }
  };
  return `${part(file)}|${part(`${file}-wal`)}`;
}

export interface ReviewServiceOptions {
  /** A folder of attempt databases, or one database. */
  source: string;
  /** Where exports go; `<folder>/vigil-review-exports` by default. */
  exportDir?: string;
  /** Renders the one-page report of an attempt to PDF (Chromium's print to PDF). */
  printPdf?: (id: string) => Promise<Buffer>;
  nativeBinding?: string;
  now?: () => number;
}

/**
 * The review verbs, for the review window (over IPC or a Playwright binding) and the CLI.
 * Every input is checked against the verb table first; every failure is a value.
 */
export class ReviewService {
  readonly root: string;
  private found: FoundAttempt[] = [];
  private readonly notes: ReviewNotes;
  /** The last few reads, by file; valid while the file and its -wal are unchanged (size and mtime). */
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly opts: ReviewServiceOptions) {
    const scan = scanAttempts(opts.source);
    this.root = scan.root;
    this.found = scan.attempts;
    this.notes = new ReviewNotes(this.root);
  }

  get exportDir(): string {
    return this.opts.exportDir ?? path.join(this.root, 'vigil-review-exports');
  }

  list(): AttemptList {
    this.found = scanAttempts(this.opts.source).attempts;
    return { source: path.resolve(this.opts.source), attempts: this.found.map((a) => this.summary(a)) };
  }

  summary(a: FoundAttempt): AttemptSummary {
    // The review note is read fresh each time: it changes without the database changing.
    return { ...this.read(a, { verify: true }).summary, review: this.notes.get(a.id) };
  }

  /** The attempt for drawing: its chain is walked afterwards (verify), unless that is already known. */
  open(id: string): AttemptDetail {
    const a = this.find(id);
    const { raw, summary } = this.read(a, { rows: true, verify: false });
    if (!raw || !summary.readable) return this.fail(a);
    return buildTimeline(raw, { ...summary, review: this.notes.get(a.id) });
  }

  verify(id: string): Verification {
    const a = this.find(id);
    const { summary } = this.read(a, { verify: true });
    if (!summary.readable) return this.fail(a);
    return summary.verification;
  }

  /**
   * Reads (or reuses) one attempt. Only the most recent reads keep their rows; every
   * summary is kept, so listing a room again costs a stat per file.
   */
  private read(a: FoundAttempt, opts: { rows?: boolean; verify: boolean }): CacheEntry {
    const stamp = fileStamp(a.file);
    let entry = this.cache.get(a.file);
    if (entry && entry.stamp !== stamp) entry = undefined;
    if (!entry || (opts.rows && !entry.raw && entry.summary.readable)) {
      const known = entry?.summary.readable && entry.summary.verification.state !== 'pending' ? entry.summary.verification : null;
      try {
        const raw = readAttempt(a.file, { ...this.binding(), verify: opts.verify && !known });
        if (known) raw.verification = known;
        entry = { stamp, raw, summary: summarizeAttempt(raw, a.id, EMPTY_REVIEW_NOTE) };
      } catch (e) {
        const message = e instanceof AttemptReadError ? e.message : `cannot read: ${a.file}: ${(e as Error).message}`;
        entry = { stamp, raw: null, summary: { readable: false, id: a.id, file: a.file, error: message, review: EMPTY_REVIEW_NOTE } };
      }
      this.cache.set(a.file, entry);
      const withRows = [...this.cache.values()].filter((c) => c.raw);
      for (const old of withRows.slice(0, Math.max(0, withRows.length - KEEP_ROWS))) old.raw = null;
    }
    if (opts.verify && entry.summary.readable && entry.summary.verification.state === 'pending') {
      let verification: Verification;
      try {
        verification = verifyAttempt(a.file, this.binding());
      } catch (e) {
        verification = { state: 'cannot_verify', reason: (e as Error).message };
      }
      entry.summary = { ...entry.summary, verification };
      if (entry.raw) entry.raw.verification = verification;
    }
    return entry;
  }

  private fail(a: FoundAttempt): never {
    const s = this.cache.get(a.file)?.summary;
    throw new AttemptReadError(s && !s.readable ? s.error : `cannot read: ${a.file}`);
  }

  saveReview(input: ReviewInput<'saveReview'>): ReviewNote {
    this.find(input.id);
    return this.notes.save(input.id, { disposition: input.disposition, notes: input.notes }, (this.opts.now ?? Date.now)());
  }

  async export(id: string, format: ExportFormat): Promise<string> {
    const detail = this.open(id);
    detail.summary.verification = this.verify(id);
    const base = `${path.basename(id).replace(/\.[^.]+$/, '')}`;
    mkdirSync(this.exportDir, { recursive: true });
    const file = path.join(this.exportDir, `${base}.${format}`);
    if (format === 'report.pdf') {
      if (!this.opts.printPdf) throw new Error('PDF export needs Chromium, which this review has not started.');
      writeFileSync(file, await this.opts.printPdf(id));
      return file;
    }
    const records = format.startsWith('timeline') ? timelineRecords(detail) : flagRecords(detail);
    writeFileSync(file, format.endsWith('.csv') ? toCsv(records) : toJsonl(records));
    return file;
  }

  /** One verb call from the review window: validated, run, and any failure returned as a value. */
  async invoke<V extends ReviewVerb>(verb: V, input: unknown): Promise<Result<ReviewOutput<V>>> {
    if (!Object.hasOwn(REVIEW_VERBS, verb)) return err('invalid_input', `Unknown review verb ${JSON.stringify(verb)}.`);
    const parsed = REVIEW_VERBS[verb].input.safeParse(input ?? {});
    if (!parsed.success) return err('invalid_input', `Bad input for ${verb}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    try {
      return ok((await this.run(verb, parsed.data)) as ReviewOutput<V>);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // An id the scan did not find is bad input; anything else is the file's own problem.
      return err(message.startsWith('No attempt') ? 'invalid_input' : 'storage_failed', message);
    }
  }

  private async run(verb: ReviewVerb, input: unknown): Promise<unknown> {
    switch (verb) {
      case 'listAttempts':
        return this.list();
      case 'openAttempt': {
        const detail = this.open((input as ReviewInput<'openAttempt'>).id);
        return { ...detail, answers: { at: detail.answers.at, seq: detail.answers.seq } } satisfies AttemptForPage;
      }
      case 'answerSaves':
        return this.open((input as ReviewInput<'answerSaves'>).id).answers;
      case 'verifyAttempt':
        return this.verify((input as ReviewInput<'verifyAttempt'>).id);
      case 'saveReview':
        return this.saveReview(input as ReviewInput<'saveReview'>);
      case 'exportAttempt': {
        const { id, format } = input as ReviewInput<'exportAttempt'>;
        return { file: await this.export(id, format) };
      }
    }
  }

  /** Only files the scan found can be opened: an id is never a path the page chose. */
  private find(id: string): FoundAttempt {
    const hit = this.found.find((a) => a.id === id) ?? scanAttempts(this.opts.source).attempts.find((a) => a.id === id);
    if (!hit) throw new Error(`No attempt ${JSON.stringify(id)} in ${this.root}.`);
    return hit;
  }

  private binding(): { nativeBinding?: string } {
    return this.opts.nativeBinding !== undefined ? { nativeBinding: this.opts.nativeBinding } : {};
  }
}
