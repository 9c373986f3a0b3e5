import type { KeyCategory } from '../contract/activity';

/**
 * Key name -> {category, zone}: the privacy boundary for keystrokes. Capture calls this and
 * forgets the key; everything downstream (activity, detection, audit, upload) sees only the
 * category and a coarse zone, never the character.
 *
 * Key names follow the Aalto data set (lower case): letters `a`..`z`, digits `0`..`9`,
 * punctuation as the character it types (`.`, `,`, `'`, `?` ...), and `space`, `bksp`,
 * `shift`, `ctrl`, `alt`, `win`, `menu`, `caps_lock`, `tab`, `enter`, `esc`, `arw_left`,
 * `home`, `pg_up`, `insert`, `delete`, `f1`.. Word aliases (`backspace`, `period`, `comma`,
 * `arrowleft` ...) are accepted too. Left and right modifiers map to the same name (`shift`),
 * as in the data. Unknown names (including the data set's empty name) are `other`, zone 0.
 *
 * Zone map (US QWERTY; a letter zone is a finger column and holds at least 3 letters, so a
 * zone sequence reads like a phone keypad, not like text):
 *
 *   0  unknown key
 *   1  left little finger   q a z         9  thumbs: space
 *   2  left ring finger     w s x        10  left-hand non-letters: ` 1 2 3 4 5 tab esc
 *   3  left middle finger   e d c        11  right-hand digits: 6 7 8 9 0
 *   4  left index, outer    r f v        12  right-hand punctuation: - = [ ] \ ; ' , . /
 *   5  left index, inner    t g b        13  right-hand editing: backspace enter
 *   6  right index, inner   y h n        14  modifiers: shift ctrl alt meta caps lock menu
 *   7  right index, outer   u j m        15  navigation and function keys (arrows, home,
 *   8  right middle, ring,  i k o l p         end, page up/down, insert, delete, f1-f24,
 *      little finger                          lock keys, numpad)
 *
 * The right hand's middle, ring and little finger share one zone because their columns
 * hold only two (i k, o l) and one (p) letters.
 */
export interface KeyClass {
  category: KeyCategory;
  zone: number;
}

const LETTER_ZONES: readonly (readonly [number, string])[] = [
  [1, 'qaz'],
  [2, 'wsx'],
  [3, 'edc'],
  [4, 'rfv'],
  [5, 'tgb'],
  [6, 'yhn'],
  [7, 'ujm'],
  [8, 'ikolp'],
];

const OTHER_KEYS: readonly (readonly [KeyCategory, number, readonly string[]])[] = [
  ['space', 9, ['space', ' ', 'spacebar']],
  ['digit', 10, ['1', '2', '3', '4', '5']],
  ['digit', 11, ['6', '7', '8', '9', '0']],
  // Shifted symbols live on the same physical key as their unshifted partner.
  ['other', 10, ['`', '~', '!', '@', '#', '$', '%', 'tab', 'esc', 'escape', 'backquote', 'grave']],
  ['other', 11, ['^', '&', '*', '(', ')']],
  [
    'other',
    12,
    [
      '-', '_', '=', '+', '[', '{', ']', '}', '\\', '|', ';', ':', "'", '"', ',', '<', '.', '>',
      '/', '?', 'minus', 'equal', 'equals', 'bracketleft', 'bracketright', 'open_bracket',
      'close_bracket', 'backslash', 'semicolon', 'quote', 'apostrophe', 'comma', 'period',
      'dot', 'slash',
    ],
  ],
  ['backspace', 13, ['bksp', 'backspace', '\b']],
  ['other', 13, ['enter', 'return', '\r', '\n']],
  [
    'modifier',
    14,
    [
      'shift', 'ctrl', 'control', 'alt', 'altgr', 'alt_gr', 'win', 'meta', 'cmd', 'command',
      'super', 'menu', 'caps_lock', 'capslock', 'fn',
    ],
  ],
  [
    'navigation',
    15,
    [
      'arw_left', 'arw_right', 'arw_up', 'arw_down', 'arrowleft', 'arrowright', 'arrowup',
      'arrowdown', 'left', 'right', 'up', 'down', 'home', 'end', 'pg_up', 'pg_down', 'pageup',
      'pagedown', 'insert', 'delete', 'del',
    ],
  ],
  [
    'other',
    15,
    ['num_lk', 'numlock', 'scr_lk', 'scrolllock', 'pause', 'print', 'printscreen', 'prtsc'],
  ],
];

const TABLE: ReadonlyMap<string, KeyClass> = buildTable();

function buildTable(): Map<string, KeyClass> {
  const table = new Map<string, KeyClass>();
  for (const [zone, letters] of LETTER_ZONES) {
    for (const letter of letters) table.set(letter, { category: 'letter', zone });
  }
  for (const [category, zone, names] of OTHER_KEYS) {
    for (const name of names) table.set(name, { category, zone });
  }
  for (let i = 1; i <= 24; i++) table.set(`f${i}`, { category: 'other', zone: 15 });
  for (let i = 0; i <= 9; i++) table.set(`num_${i}`, { category: 'digit', zone: 15 });
  return table;
}

const UNKNOWN: KeyClass = { category: 'other', zone: 0 };

/** Reduce a key name to its category and zone. Never throws; unknown keys are other/0. */
export function classifyKeyName(name: string): KeyClass {
  const exact = TABLE.get(name);
  if (exact) return { ...exact };
  // Capture may hand over upper-case letters or names; the data set uses lower case.
  const lower = TABLE.get(name.toLowerCase());
  return lower ? { ...lower } : { ...UNKNOWN };
}

/** Every key name this module knows (for tests and the capture engineer's mapping). */
export function knownKeyNames(): string[] {
  return [...TABLE.keys()];
}
