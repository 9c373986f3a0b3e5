import { z } from 'zod';
import { RiskLevelSchema } from './risk';

/**
 * What the Vigil app streams to the exam server as it happens, beside the outbox (which
 * stays the source of truth): its own risk score when it changes, and each flag it raises.
 * Socket.IO events on the attempt's authenticated connection.
 */
export const LIVE_RISK_EVENT = 'vigil_risk';
export const LIVE_FLAG_EVENT = 'vigil_flag';

const text = z.string().max(2000);

export const LiveRiskReportSchema = z
  .object({
    score: z.number().min(0).max(100),
    level: RiskLevelSchema,
    locked: z.boolean(),
    warning: text.nullable(),
    reasons: z
      .array(z.object({ at: z.number(), source: z.enum(['integrity', 'behaviour']), code: z.string().max(64), points: z.number(), message: text }).strict())
      .max(10),
    /** Client clock, epoch ms. */
    at: z.number(),
  })
  .strict();
export type LiveRiskReport = z.infer<typeof LiveRiskReportSchema>;

export const LiveFlagReportSchema = z
  .object({
    sequence: z.number().int().min(0),
    level: RiskLevelSchema,
    probability: z.number().min(0).max(1),
    patterns: z.array(z.object({ pattern: z.string().max(64), severity: z.number().min(0).max(1), explanation: text })).max(10),
    at: z.number(),
  })
  .strict();
export type LiveFlagReport = z.infer<typeof LiveFlagReportSchema>;
