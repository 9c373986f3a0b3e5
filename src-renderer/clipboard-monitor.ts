/**
 * Reports copy and paste. A paste counts as external when its text is not something the
 * student copied (or cut) inside the exam. The copied texts stay in this page's memory
 * only; nothing about the text itself is ever reported.
 */
export function startClipboardMonitor(
  report: (action: 'copy' | 'paste', external: boolean) => void,
  doc: Document = document,
): () => void {
  // Recent copies, newest last; a handful is enough to recognise an internal paste.
  const copied: string[] = [];
  const remember = (text: string): void => {
    const key = normalise(text);
    if (key === '') return;
    const at = copied.indexOf(key);
    if (at >= 0) copied.splice(at, 1);
    copied.push(key);
    if (copied.length > 20) copied.shift();
  };

  const onCopy = (event: ClipboardEvent): void => {
    remember(selectedText(doc));
    if (event.type === 'copy') report('copy', false);
  };
  const onPaste = (event: ClipboardEvent): void => {
    const text = event.clipboardData?.getData('text/plain') ?? '';
    const external = text !== '' && !copied.includes(normalise(text));
    report('paste', external);
  };

  // Text dragged in from another window (a second display) lands with no paste event: it
  // is reported as a paste. Text dragged from inside the exam is remembered as a copy.
  const onDragStart = (): void => remember(selectedText(doc));
  const onDrop = (event: DragEvent): void => {
    const text = event.dataTransfer?.getData('text/plain') ?? '';
    if (text !== '') report('paste', !copied.includes(normalise(text)));
  };

  // Capture phase: a field that stops propagation must not hide the event from us.
  doc.addEventListener('copy', onCopy, true);
  doc.addEventListener('cut', onCopy, true);
  doc.addEventListener('paste', onPaste, true);
  doc.addEventListener('dragstart', onDragStart, true);
  doc.addEventListener('drop', onDrop, true);
  return () => {
    doc.removeEventListener('copy', onCopy, true);
    doc.removeEventListener('cut', onCopy, true);
    doc.removeEventListener('paste', onPaste, true);
    doc.removeEventListener('dragstart', onDragStart, true);
    doc.removeEventListener('drop', onDrop, true);
  };
}

// Line endings and trailing whitespace differ between what was selected and what the
// clipboard hands back, depending on the platform.
const normalise = (text: string): string => text.replace(/\r\n?/g, '\n').trim();

/** The selection being copied: inside a text field, or anywhere in the page. */
function selectedText(doc: Document): string {
  const el = doc.activeElement;
  if (el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && el.type === 'text')) {
    const start = el.selectionStart ?? 0;
    const end = el.selectionEnd ?? 0;
    if (end > start) return el.value.slice(start, end);
  }
  return doc.getSelection()?.toString() ?? '';
}
