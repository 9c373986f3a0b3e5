import { z } from 'zod';

/** What the exam server answers once it has stored an upload (see src-server/upload-routes.ts). */
export const UploadAckSchema = z.object({ ok: z.literal(true), id: z.string().min(1) });
export type UploadAck = z.infer<typeof UploadAckSchema>;

export type DeliveryOutcome =
  | { kind: 'delivered' }
  /** Try again later (network, 408, 429, 5xx, or an answer we cannot trust). */
  | { kind: 'retry'; error: string; retryAfterMs: number | null }
  /** The server refused this upload for good; retrying would not change its mind. */
  | { kind: 'rejected'; error: string };

const MAX_MESSAGE = 300;

/**
 * Decides what a server response means for one upload. Nothing counts as delivered
 * unless it is a 2xx whose body acknowledges this very Idempotency-Key.
 */
export function classifyResponse(
  response: { status: number; text: string; retryAfter: string | null },
  idempotencyKey: string,
): DeliveryOutcome {
  const { status, text } = response;
  if (status >= 200 && status < 300) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return retry(`malformed acknowledgement (HTTP ${status}, not JSON: ${clip(text)})`, null);
    }
    const ack = UploadAckSchema.safeParse(parsed);
    if (!ack.success) return retry(`malformed acknowledgement (HTTP ${status}): ${clip(text)}`, null);
    if (ack.data.id !== idempotencyKey) {
      return retry(`acknowledgement for another upload (${clip(ack.data.id)}, expected ${idempotencyKey})`, null);
    }
    return { kind: 'delivered' };
  }
  const message = `HTTP ${status}: ${serverMessage(text)}`;
  if (status === 408 || status === 429 || status >= 500) return retry(message, parseRetryAfter(response.retryAfter));
  if (status >= 400) return { kind: 'rejected', error: message };
  // 1xx/3xx: redirects are not followed (a POST must not wander to another host).
  return retry(`unexpected ${message}`, null);
}

function retry(error: string, retryAfterMs: number | null): DeliveryOutcome {
  return { kind: 'retry', error, retryAfterMs };
}

/** The server's own words when it sent JSON `{message}` or `{error}`, else the start of its body. */
function serverMessage(text: string): string {
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object') {
      const { message, error } = body as { message?: unknown; error?: unknown };
      if (typeof message === 'string' && message) return clip(message);
      if (typeof error === 'string' && error) return clip(error);
    }
  } catch {
    // not JSON; fall through
  }
  return text.trim() ? clip(text.trim()) : '(empty body)';
}

function parseRetryAfter(header: string | null): number | null {
  if (header === null) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > MAX_MESSAGE ? `${oneLine.slice(0, MAX_MESSAGE)}…` : oneLine;
}
