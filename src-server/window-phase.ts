/**
 * When an attempt's first streamed window closes, so that its windows then close at a fixed
 * phase of the window cycle (on the server's clock) drawn from the attempt's id.
 *
 * Closing a window scores it, and the score goes to the student and the proctors. Timed from
 * the connection, 1,000 students who connect together (an exam's start, everyone reconnecting
 * after a server restart) would be scored in one burst every window, and an alert arriving
 * during that burst would wait behind it. Phases spread by the id keep the scoring even over
 * the cycle however the connections came. The first window lasts between half and one and a
 * half windows, never a sliver.
 */
export function firstCloseDelay(id: string, now: number, windowMs: number): number {
  const phase = fnv1a(id) % windowMs;
  const delay = (((phase - now) % windowMs) + windowMs) % windowMs;
  return delay < windowMs / 2 ? delay + windowMs : delay;
}

/** FNV-1a, 32 bits: cheap and evenly spread over random ids (not a security hash). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
