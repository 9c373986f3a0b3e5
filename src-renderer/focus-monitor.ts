/**
 * Reports when the exam window loses or regains the student's attention: the window's
 * blur/focus events and the page becoming hidden (another tab, minimised, screen locked).
 * Only changes are reported, so a blur followed by visibilitychange counts once.
 */
export function startFocusMonitor(report: (focused: boolean) => void, win: Window = window): () => void {
  const doc = win.document;
  const isFocused = (): boolean => doc.visibilityState === 'visible' && doc.hasFocus();
  let last = isFocused();

  const check = (event: Event): void => {
    // The blur event fires before document.hasFocus() changes in some engines; trust the event.
    const now = event.type === 'blur' ? false : event.type === 'focus' ? doc.visibilityState === 'visible' : isFocused();
    if (now === last) return;
    last = now;
    report(now);
  };

  win.addEventListener('blur', check);
  win.addEventListener('focus', check);
  doc.addEventListener('visibilitychange', check);
  return () => {
    win.removeEventListener('blur', check);
    win.removeEventListener('focus', check);
    doc.removeEventListener('visibilitychange', check);
  };
}
