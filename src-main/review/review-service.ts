import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../contract/result';
import {
  REVIEW_VERBS,
  type AttemptDetail,
  type AttemptList,
  type AttemptSummary,
  type ExportFormat,
  type ReviewInput,
  type ReviewNote,
  type ReviewOutput,
  type ReviewVerb,
} from '../contract/review';
import { AttemptReadError, readAttempt } from './attempt-reader';
import { summarizeAttempt } from './attempt-summary';
import { buildTimeline } from './attempt-timeline';
import { scanAttempts, type FoundAttempt } from './folder-scan';
import { flagRecords, timelineRecords, toCsv, toJsonl } from './review-export';
import { ReviewNotes } from './review-notes';

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
    const review = this.notes.get(a.id);
    try {
      return summarizeAttempt(readAttempt(a.file, this.binding()), a.id, review);
    } catch (e) {
      const message = e instanceof AttemptReadError ? e.message : `cannot read: ${a.file}: ${(e as Error).message}`;
      return { readable: false, id: a.id, file: a.file, error: message, review };
    }
  }

  open(id: string): AttemptDetail {
    const a = this.find(id);
    const raw = readAttempt(a.file, this.binding());
    return buildTimeline(raw, summarizeAttempt(raw, a.id, this.notes.get(a.id)));
  }

  saveReview(input: ReviewInput<'saveReview'>): ReviewNote {
    this.find(input.id);
    return this.notes.save(input.id, { disposition: input.disposition, notes: input.notes }, (this.opts.now ?? Date.now)());
  }

  async export(id: string, format: ExportFormat): Promise<string> {
    const detail = this.open(id);
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
      return err(message.startsWith('No attempt') ? 'not_found' : 'storage_failed', message);
    }
  }

  private async run(verb: ReviewVerb, input: unknown): Promise<unknown> {
    switch (verb) {
      case 'listAttempts':
        return this.list();
      case 'openAttempt':
        return this.open((input as ReviewInput<'openAttempt'>).id);
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
