import type { RiskReason, SessionSnapshot, VigilApi } from '../../src-main/contract';
import { describe, expect, test } from 'vitest';
import { useExamHarness } from './exam-harness';

// The ledger clamps out-of-order times to the latest it has seen, so two entries of one
// kind can share a timestamp (packages drained together after a stall, a clock stepped
// back). The reasons list must still show exactly what the engine sent.

const h = useExamHarness();

const reason = (at: number, code: string, message: string): RiskReason => ({
  at,
  source: 'integrity',
  code,
  points: 10,
  message,
});

describe('the risk panel', () => {
  test('shows every reason the engine sends, even two of one kind at the same instant', async () => {
    const session = await h.startEngine('e2e-reasons');
    const t = Date.now();
    let reasons: RiskReason[] = [reason(t, 'external_paste', 'Paste B'), reason(t, 'external_paste', 'Paste A')];
    const withReasons = (s: SessionSnapshot): SessionSnapshot => ({ ...s, risk: { ...s.risk, reasons } });
    const listeners = new Set<(s: SessionSnapshot) => void>();
    const api: VigilApi = {
      getSnapshot: async () => {
        const r = await session.getSnapshot();
        return r.ok ? { ok: true, value: withReasons(r.value) } : r;
      },
      saveAnswer: (i) => session.saveAnswer(i),
      reportWindowEvent: (e) => session.reportWindowEvent(e),
      submit: (i) => session.submit(i),
      lockFlushed: () => session.lockFlushed(),
      signIn: () => session.signIn(),
      runSystemCheck: () => session.runSystemCheck(),
      startExam: () => session.startExam(),
      acknowledgeWarning: (i) => session.acknowledgeWarning(i),
      requestQuit: (i) => session.requestQuit(i),
      onSnapshot: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const push = async (next: RiskReason[]): Promise<void> => {
      reasons = next;
      const r = await api.getSnapshot();
      if (r.ok) for (const l of listeners) l(r.value);
    };
    const { page } = await h.openExamPage(api);
    const shown = () => page.locator('.risk__reason-text').allTextContents();
    await expect.poll(shown).toEqual(['Paste B', 'Paste A']);

    // Newest first, the oldest falling off the end, as the ledger's window slides.
    await push([reason(t + 1000, 'focus_lost', 'Left C'), ...reasons]);
    await expect.poll(shown).toEqual(['Left C', 'Paste B', 'Paste A']);
    await push([reason(t + 2000, 'focus_lost', 'Left D'), ...reasons.slice(0, 2)]);
    await expect.poll(shown).toEqual(['Left D', 'Left C', 'Paste B']);
    await push([reason(t + 3000, 'focus_lost', 'Left E'), ...reasons.slice(0, 2)]);
    await expect.poll(shown).toEqual(['Left E', 'Left D', 'Left C']);
  });
});
