import { z } from 'zod';
import { CHANNEL_FOR_VERB, INVOKE_CHANNELS, err, missingCase } from '../contract';
import type { InvokeChannel, Result, VigilApi } from '../contract';
import { APP_HOST, APP_SCHEME } from './app-url';

/**
 * The Electron-free half of the IPC adapter: who may call, and what they may send. The
 * adapter (ipc-adapter.ts) copies these facts out of the IpcMainInvokeEvent.
 */
export interface SenderFacts {
  webContentsId: number;
  /** The frame that sent the message is its page's top frame (not an iframe). */
  isMainFrame: boolean;
  /** The sending frame's URL; null when the frame is gone (navigated or destroyed). */
  frameUrl: string | null;
}

/** Why a sender is refused, or null when it is our exam window's own page. */
export function refuseSender(sender: SenderFacts, examWebContentsId: number | null): string | null {
  if (examWebContentsId === null) return 'no exam window is open';
  if (sender.webContentsId !== examWebContentsId) return `unknown webContents ${sender.webContentsId}`;
  if (sender.frameUrl === null) return 'sending frame is gone';
  if (!sender.isMainFrame) return 'message from a sub-frame';
  if (!isAppUrl(sender.frameUrl)) return `foreign origin ${sender.frameUrl}`;
  return null;
}

/**
 * Compares scheme and host: WHATWG `URL.origin` is "null" for schemes it does not know,
 * which would make every app:// page look alike.
 */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

export const isInvokeChannel = (channel: string): channel is InvokeChannel =>
  Object.hasOwn(INVOKE_CHANNELS, channel);

type PayloadOf<C extends InvokeChannel> = z.output<(typeof INVOKE_CHANNELS)[C]>;

/** The channel's zod schema applied to what the renderer sent. */
export function parsePayload<C extends InvokeChannel>(channel: C, payload: unknown): Result<PayloadOf<C>> {
  // TS cannot correlate a generic key with its entry's output type; the map guarantees it.
  const schema = INVOKE_CHANNELS[channel] as unknown as z.ZodType<PayloadOf<C>>;
  const parsed = schema.safeParse(payload);
  if (!parsed.success) return err('invalid_input', `${channel}: ${z.prettifyError(parsed.error)}`);
  return { ok: true, value: parsed.data };
}

/**
 * Validates the payload against the channel's schema and calls the engine. Never throws:
 * a bad payload or an engine exception comes back as `{ok:false}` so the renderer always
 * gets a value (STYLE.md §7).
 */
export async function dispatchInvoke(api: VigilApi, channel: InvokeChannel, payload: unknown): Promise<Result<unknown>> {
  try {
    switch (channel) {
      case CHANNEL_FOR_VERB.getSnapshot: {
        const p = parsePayload(channel, payload);
        return p.ok ? await api.getSnapshot() : p;
      }
      case CHANNEL_FOR_VERB.saveAnswer: {
        const p = parsePayload(channel, payload);
        return p.ok ? await api.saveAnswer(p.value) : p;
      }
      case CHANNEL_FOR_VERB.reportWindowEvent: {
        const p = parsePayload(channel, payload);
        return p.ok ? await api.reportWindowEvent(p.value) : p;
      }
      case CHANNEL_FOR_VERB.submit: {
        const p = parsePayload(channel, payload);
        return p.ok ? await api.submit(p.value) : p;
      }
      default:
        return missingCase(channel);
    }
  } catch (e) {
    return err('internal', `${channel} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
