/**
 * The page shown when the exam cannot start (bad exam file, database that will not open).
 * The shell serves it itself, so it works even when the renderer build is missing; it is
 * static HTML with no script, under the same CSP as the app. The message is a paragraph, not
 * a <pre>: without styles (the CSP allows no inline ones) a <pre> runs off the window.
 */
export interface StartupError {
  title: string;
  /** What went wrong, in words a student can read out to an invigilator. */
  message: string;
  /** Where the full details were written. */
  logFile: string | null;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function renderStartupErrorPage(e: StartupError): string {
  const log = e.logFile
    ? `<p>Details were written to <code>${escapeHtml(e.logFile)}</code>.</p>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Vigil: ${escapeHtml(e.title)}</title>
</head>
<body>
<main role="alert">
<h1>${escapeHtml(e.title)}</h1>
<p>${e.message.split('\n').map(escapeHtml).join('<br>\n')}</p>
<p>No answers were lost. Tell the invigilator, then close this window.</p>
${log}
</main>
</body>
</html>
`;
}
