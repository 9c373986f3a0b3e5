import path from 'node:path';
import { BrowserWindow, ipcMain } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import { REVIEW_CHANNEL, err } from '../contract';
import { ProctorGate } from '../review/proctor-gate';
import { ReviewService } from '../review/review-service';
import { APP_ORIGIN } from './app-url';
import { createWindow } from './window-factory';

export const REVIEW_URL = `${APP_ORIGIN}/review.html`;

export interface ReviewWindowOptions {
  /** An attempt database or a folder of them (`--review`). */
  source: string;
  appRoot: string;
  nativeBinding?: string;
  /** The policy's proctor password hash, or null when this review asks for none (review/review-gate-rule.ts). */
  passwordHash: string | null;
  devTools: boolean;
  log: (line: string) => void;
}

/**
 * `--review <db or folder>`: the proctor's read-only review in an ordinary window (no
 * kiosk, no engine). The window's verbs arrive on one channel, only from the review
 * window's own top frame, and go through the proctor's sign-in (ProctorGate) to the same
 * ReviewService `npm run review` uses. PDF reports are printed by a hidden window on the
 * report view, after the sign-in.
 */
export async function openReviewWindow(opts: ReviewWindowOptions): Promise<BrowserWindow> {
  const preloadPath = path.join(opts.appRoot, 'out', 'preload', 'review-preload.cjs');
  const service = new ReviewService({
    source: opts.source,
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
    printPdf: (id) => printReport(id, preloadPath, opts.log),
  });
  const gate = new ProctorGate({ service, passwordHash: opts.passwordHash, root: service.root, log: opts.log });
  opts.log(`review of ${path.resolve(opts.source)} (read-only); notes in ${service.root}; exports to ${service.exportDir}`);
  const window = createWindow('review', { preloadPath, devTools: opts.devTools, log: opts.log });
  reviewContents.add(window.webContents.id);
  ipcMain.handle(REVIEW_CHANNEL, async (event: IpcMainInvokeEvent, verb: unknown, input: unknown) => {
    const frame = event.senderFrame;
    const fromReview = reviewContents.has(event.sender.id) && frame !== null && frame.parent === null && (frame.url ?? '').startsWith(REVIEW_URL);
    if (!fromReview) {
      opts.log(`ipc: dropped ${REVIEW_CHANNEL} from webContents ${event.sender.id}`);
      return err('invalid_input', 'This caller may not use the review API.');
    }
    return gate.invoke(String(verb), input);
  });
  await window.loadURL(REVIEW_URL);
  return window;
}

/** The review window and the hidden report windows: the only callers of the review verbs. */
const reviewContents = new Set<number>();

async function printReport(id: string, preloadPath: string, log: (line: string) => void): Promise<Buffer> {
  const window = createWindow('review', { preloadPath, devTools: false, log });
  reviewContents.add(window.webContents.id);
  try {
    await window.loadURL(`${REVIEW_URL}#/report/${encodeURIComponent(id)}`);
    for (let i = 0; i < 150; i++) {
      if ((await window.webContents.executeJavaScript('document.body.dataset.ready === "true"')) === true) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return await window.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    reviewContents.delete(window.webContents.id);
    window.destroy();
  }
}
