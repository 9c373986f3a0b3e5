/** RSS the engine may use at any point of an exam (issue 9). */
export const MEMORY_BUDGET_MIB = 80;
