/**
 * The keyboard shortcuts the exam window swallows (Electron's `before-input-event`): reload,
 * DevTools, close, print and zoom. Pure, so it is tested under Node; shell/lockdown.ts only
 * applies it. Electron cannot stop the OS's own switches (Alt+Tab, the Windows key): those
 * are native/'s keyboard hook on Windows, and on X11 they are seen, not blocked.
 */

/** The fields of Electron's `Input` this decides on. */
export interface KeyInput {
  type: string;
  key: string;
  code?: string;
  control: boolean;
  meta: boolean;
  alt: boolean;
  shift: boolean;
}

export type BlockedAction = 'reload' | 'devtools' | 'close' | 'print' | 'zoom' | 'view_source' | 'find' | 'new_window';

/** Why `input` is blocked, or null to let it through. Only key presses are judged; releases pass. */
export function blockedShortcut(input: KeyInput, platform: NodeJS.Platform | string): BlockedAction | null {
  if (input.type !== 'keyDown' && input.type !== 'rawKeyDown') return null;
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
  const code = input.code ?? '';
  // The platform's command modifier: Cmd on macOS, Ctrl elsewhere (Ctrl is blocked on both, to be safe).
  const mod = input.control || (platform === 'darwin' && input.meta);

  if (key === 'F5' || key === 'BrowserRefresh' || (mod && key === 'r')) return 'reload';
  if (key === 'F12' || (mod && input.shift && ['i', 'j', 'c'].includes(key)) || (input.meta && input.alt && ['i', 'j', 'c'].includes(key))) {
    return 'devtools';
  }
  if (mod && key === 'u') return 'view_source';
  if ((input.alt && key === 'F4') || (mod && (key === 'w' || key === 'q' || key === 'F4'))) return 'close';
  if (mod && key === 'p') return 'print';
  if (mod && (['+', '=', '-', '_', '0'].includes(key) || ['NumpadAdd', 'NumpadSubtract', 'Numpad0', 'Equal', 'Minus', 'Digit0'].includes(code))) {
    return 'zoom';
  }
  if (key === 'ZoomIn' || key === 'ZoomOut' || key === 'ZoomToggle') return 'zoom';
  if (mod && (key === 'n' || key === 't')) return 'new_window';
  if (mod && (key === 'f' || key === 'g') && !input.alt) return 'find';
  return null;
}
