import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import {
  SignedProctorOrderSchema,
  proctorOrderBytes,
  type ProctorOrder,
  type ProctorOrderAudit,
} from '../contract/proctor-order';

// SPKI wrapping of a raw Ed25519 public key (RFC 8410).
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export type OrderCheck = { ok: true; order: ProctorOrder; signature: string } | { ok: false; refusal: string };

/** The server's public key from registration (`serverPublicKey`: base64 of the raw 32 bytes). */
export function serverOrderKey(serverPublicKey: string): KeyObject {
  const raw = Buffer.from(serverPublicKey, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== serverPublicKey) {
    throw new Error('the server public key must be 32 bytes of Ed25519 key in base64');
  }
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

/**
 * Is this a proctor order the server signed, for this attempt? Checks the shape, the Ed25519
 * signature over the exact signed text, and the session id. Never throws.
 */
export function verifyProctorOrder(input: unknown, key: KeyObject, sessionId: string): OrderCheck {
  const parsed = SignedProctorOrderSchema.safeParse(input);
  if (!parsed.success) return { ok: false, refusal: `not a signed proctor order: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  const { order, signature } = parsed.data;
  let good = false;
  try {
    const sig = Buffer.from(signature, 'base64');
    good = sig.length === 64 && verify(null, Buffer.from(proctorOrderBytes(order), 'utf8'), key, sig);
  } catch {
    good = false;
  }
  if (!good) return { ok: false, refusal: `order ${order.orderId} (${order.action}) does not carry the exam server's signature` };
  if (order.sessionId !== sessionId) return { ok: false, refusal: `order ${order.orderId} is for another attempt (${order.sessionId})` };
  return { ok: true, order, signature };
}

export type InboxVerdict =
  /** Apply it (lock, unlock, or move the deadline to order.deadline) and append `audit`. */
  | { kind: 'apply'; order: ProctorOrder; audit: ProctorOrderAudit }
  /** Append `audit`; change nothing. */
  | { kind: 'refuse'; audit: ProctorOrderAudit }
  /** The same order again (it comes live and by pull): nothing to do, nothing to audit. */
  | { kind: 'duplicate'; orderId: string };

/**
 * The client's side of proctor orders, for the session to wire: every order that arrives
 * (Socket.IO `proctor_order`, or `GET /api/sessions/:id/orders`) goes through `receive`,
 * which says whether to apply it and gives the audit row either way. Orders apply newest
 * first: one with a seq at or below the last applied is refused (a replay, or superseded),
 * so an old signed unlock cannot undo a later lock. Restore `lastAppliedSeq` from the audit.
 */
export class ProctorOrderInbox {
  private readonly key: KeyObject;
  private lastSeq: number;
  private lastOrderId: string | null = null;

  constructor(
    serverPublicKey: string,
    private readonly sessionId: string,
    private readonly now: () => number,
    lastAppliedSeq = 0,
  ) {
    this.key = serverOrderKey(serverPublicKey);
    this.lastSeq = lastAppliedSeq;
  }

  get lastAppliedSeq(): number {
    return this.lastSeq;
  }

  receive(input: unknown): InboxVerdict {
    const at = this.now();
    const checked = verifyProctorOrder(input, this.key, this.sessionId);
    if (!checked.ok) return { kind: 'refuse', audit: { outcome: 'refused', order: null, signature: null, refusal: checked.refusal, at } };
    const { order, signature } = checked;
    if (order.seq === this.lastSeq && order.orderId === this.lastOrderId) return { kind: 'duplicate', orderId: order.orderId };
    if (order.seq <= this.lastSeq) {
      const refusal = `order ${order.orderId} (#${order.seq}, ${order.action}) is not newer than #${this.lastSeq}, already applied: a replay or superseded`;
      return { kind: 'refuse', audit: { outcome: 'refused', order, signature, refusal, at } };
    }
    this.lastSeq = order.seq;
    this.lastOrderId = order.orderId;
    return { kind: 'apply', order, audit: { outcome: 'applied', order, signature, refusal: null, at } };
  }
}
