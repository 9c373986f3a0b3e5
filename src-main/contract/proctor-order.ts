import { z } from 'zod';

/**
 * A proctor's order for one attempt, signed by the exam server's Ed25519 key. The client
 * verifies it against the public key it got at registration (`serverPublicKey`), so a
 * student cannot forge an unlock or an extension, and applies each order once, in `seq` order.
 */
export const PROCTOR_ACTIONS = ['lock', 'unlock', 'extend'] as const;
export type ProctorAction = (typeof PROCTOR_ACTIONS)[number];

export const ProctorOrderSchema = z.object({
  version: z.literal(1),
  orderId: z.string().min(1).max(64),
  sessionId: z.string().min(1).max(128),
  /** 1, 2, 3... per attempt: the client refuses a seq it has already applied (a replay). */
  seq: z.number().int().min(1),
  action: z.enum(PROCTOR_ACTIONS),
  /** Minutes added by an extension; 0 for lock and unlock. */
  extendMinutes: z.number().int().min(0).max(24 * 60),
  /** The attempt's deadline after this order (epoch ms, server clock). */
  deadline: z.number().int(),
  reason: z.string().min(1).max(500),
  /** Server clock, epoch ms. */
  issuedAt: z.number().int(),
});
export type ProctorOrder = z.infer<typeof ProctorOrderSchema>;

export const SignedProctorOrderSchema = z.object({
  order: ProctorOrderSchema,
  /** Ed25519 over proctorOrderBytes(order), base64. */
  signature: z.string().min(1).max(200),
});
export type SignedProctorOrder = z.infer<typeof SignedProctorOrderSchema>;

/** The proctor's request (`POST /api/proctor/sessions/:id/orders`). */
export const ProctorOrderRequestSchema = z
  .object({
    action: z.enum(PROCTOR_ACTIONS),
    extendMinutes: z.number().int().min(1).max(24 * 60).optional(),
    reason: z.string().trim().min(1).max(500),
  })
  .refine((r) => (r.action === 'extend') === (r.extendMinutes !== undefined), {
    message: 'extendMinutes (1-1440) is required for extend and only for extend',
  });
export type ProctorOrderRequest = z.infer<typeof ProctorOrderRequestSchema>;

const DOMAIN = 'vigil-proctor-order-v1\n';

/**
 * The exact text signed: a domain tag and the fields in a fixed order, so signer and verifier
 * never depend on how a JSON encoder orders keys.
 */
export function proctorOrderBytes(o: ProctorOrder): string {
  return (
    DOMAIN +
    JSON.stringify([o.version, o.orderId, o.sessionId, o.seq, o.action, o.extendMinutes, o.deadline, o.reason, o.issuedAt])
  );
}

/**
 * The client's audit row for an order it received (kind `proctor_order`; the integrator adds
 * it to AUDIT_ROW_SCHEMAS). An applied order keeps the server's signature, so the log proves
 * who locked, unlocked or extended; a refused one says why (forged, another attempt's, replayed).
 */
export const ProctorOrderAuditSchema = z
  .object({
    outcome: z.enum(['applied', 'refused']),
    /** Null when the order could not even be read. */
    order: ProctorOrderSchema.nullable(),
    signature: z.string().nullable(),
    refusal: z.string().nullable(),
    at: z.number(),
  })
  .strict();
export type ProctorOrderAudit = z.infer<typeof ProctorOrderAuditSchema>;
