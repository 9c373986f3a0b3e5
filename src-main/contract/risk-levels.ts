/** Risk levels, lowest first (zod-free, so the review page can import it without the schema library). */
export const RISK_LEVELS = ['clean', 'low', 'medium', 'high', 'critical'] as const;
