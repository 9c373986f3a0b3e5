import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { shortText, useExamHarness } from './exam-harness';

// Text dragged in from another window (a browser on a second display) lands in the field
// with no paste event; it is the same integrity event as a paste from outside.

const h = useExamHarness();

const dropInto = (page: Page, selector: string, text: string) =>
  page.locator(selector).evaluate((el, t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, text);

describe('dropping text into an answer', () => {
  test('counts as a paste from outside, unless the text was dragged from inside the exam', async () => {
    const session = await h.startEngine('e2e-drop');
    const { page } = await h.openExamPage(session);
    const externalPastes = async (): Promise<number> => {
      const r = await session.getSnapshot();
      return r.ok ? r.value.risk.reasons.filter((reason) => reason.code === 'external_paste').length : -1;
    };

    // Dragging the student's own short answer into the essay is internal.
    const short = page.getByRole('textbox', { name: /Newton's second law/ });
    await short.fill(shortText);
    await short.selectText();
    await short.evaluate((el) => el.dispatchEvent(new DragEvent('dragstart', { bubbles: true, cancelable: true })));
    await dropInto(page, '#q-q4-input', shortText);
    await page.waitForTimeout(300);
    expect(await externalPastes()).toBe(0);

    await dropInto(page, '#q-q4-input', 'A paragraph from a website on the other screen.');
    await expect.poll(externalPastes).toBe(1);
  });
});
