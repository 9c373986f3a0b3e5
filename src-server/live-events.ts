import { z } from 'zod';
import { LIVE_FLAG_EVENT, LIVE_RISK_EVENT, LiveFlagReportSchema, LiveRiskReportSchema } from '../src-main/contract/live-report';

/** The seed's event names (Flask-SocketIO), in and out. */
export const SEED_EVENTS = ['mouse_data', 'keystroke_data', 'focus_change', 'copy_event', 'paste_event'] as const;
/** The seed's events and the Vigil app's own live reports. */
export const INCOMING_EVENTS = [...SEED_EVENTS, LIVE_RISK_EVENT, LIVE_FLAG_EVENT] as const;
export type IncomingEvent = (typeof INCOMING_EVENTS)[number];
export const HIGH_RISK_ALERT = 'high_risk_alert';
/** What the server answers to an event it did not take (besides the ack, if the client asked for one). */
export const EVENT_REFUSED = 'event_refused';

/** One event's JSON may not exceed this; larger ones are refused, the connection stays. */
export const MAX_EVENT_BYTES = 64 * 1024;
/** Samples one mouse_data or keystroke_data event may carry (a batch). */
export const MAX_BATCH = 500;

const ms = z.number().finite();
const MouseSample = z.object({ x: z.number().finite(), y: z.number().finite(), t: ms.optional(), timestamp: ms.optional() });
const KeyTimes = z.object({ down: ms, up: ms }).refine((k) => k.up >= k.down && k.up - k.down <= 5_000, 'up must follow down by at most 5000 ms');
const KeyDwell = z.object({ dwell: z.number().min(0).max(5_000), flight: z.number().min(0).max(60_000).optional() });
/**
 * A key as press and release times (`down`, `up`, ms) or as its dwell and flight (ms). A
 * `key` field, if a page sends one, is dropped here: characters never reach the server.
 */
const KeySample = z.any().transform((v, ctx) => {
  const schema = typeof v === 'object' && v !== null && 'down' in v ? KeyTimes : KeyDwell;
  const r = schema.safeParse(v);
  if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue, code: 'custom', message: issue.message } as never);
  return r.success ? r.data : z.NEVER;
});
/** One sample or a batch; the shape is picked before parsing, so errors name the field that is wrong. */
const batch = <T extends z.ZodType>(one: T) => {
  const many = z.array(one).min(1).max(MAX_BATCH);
  return z.any().transform((v, ctx) => {
    const r = Array.isArray(v) ? many.safeParse(v) : one.safeParse(v);
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue, code: 'custom', message: issue.message } as never);
    return r.success ? (r.data as z.infer<T> | z.infer<T>[]) : z.NEVER;
  });
};
const FocusChange = z.object({
  focused: z.boolean().optional(),
  hasFocus: z.boolean().optional(),
  state: z.enum(['focus', 'blur', 'visible', 'hidden']).optional(),
}).refine((f) => f.focused !== undefined || f.hasFocus !== undefined || f.state !== undefined, 'needs focused (boolean), hasFocus (boolean) or state (focus, blur, visible, hidden)');

export const EVENT_SCHEMAS = {
  mouse_data: batch(MouseSample),
  keystroke_data: batch(KeySample),
  focus_change: FocusChange,
  // The clipboard's contents are never wanted: whatever the page sends with them is dropped.
  copy_event: z.union([z.undefined(), z.null(), z.looseObject({})]),
  paste_event: z.union([z.undefined(), z.null(), z.looseObject({})]),
  [LIVE_RISK_EVENT]: LiveRiskReportSchema,
  [LIVE_FLAG_EVENT]: LiveFlagReportSchema,
} satisfies Record<IncomingEvent, z.ZodType>;

export type MouseSampleIn = z.infer<typeof MouseSample>;
export type KeySampleIn = z.infer<typeof KeyTimes> | z.infer<typeof KeyDwell>;

export function isIncomingEvent(name: string): name is IncomingEvent {
  return (INCOMING_EVENTS as readonly string[]).includes(name);
}

export function focusedOf(payload: z.infer<typeof FocusChange>): boolean {
  if (payload.focused !== undefined) return payload.focused;
  if (payload.hasFocus !== undefined) return payload.hasFocus;
  return payload.state === 'focus' || payload.state === 'visible';
}
