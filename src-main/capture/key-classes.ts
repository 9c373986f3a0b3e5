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
 * Zone map:
 *
 *    0  unknown key                      11  (reserved)
 *    1  every letter                     12  punctuation: - = [ ] \ ; ' , . / and shifted
 *    2-8  (reserved, see below)          13  editing: backspace, enter
 *    9  space                            14  modifiers: shift ctrl alt meta caps lock menu
 *   10  digits; ` tab esc                15  navigation, function, lock and numpad keys
 *
 * Why all letters share one zone: a zone sequence is a phone keypad. With QWERTY finger
 * columns as zones (8 letter zones of 3 to 6 letters) the most frequent dictionary word with
 * the same zone code is the typed word for 94% of the dev set's 28,268 words; with one zone
 * per hand still 45%; with one letter zone 13% (only word lengths are left: "a", "the").
 * The typist model loses little: EER at 50 keys 6.0% with finger columns, 6.9% with one
 * letter zone (`npm run typist -- eval`, group B). To revisit, change LETTER_ZONES; the
 * letter-zone test keeps every zone at 3 or more letters.
 */
export interface KeyClass {
  category: KeyCategory;
  zone: number;
}

const LETTER_ZONES: readonly (readonly [number, string])[] = [[1, 'abcdefghijklmnopqrstuvwxyz']];

const OTHER_KEYS: readonly (readonly [KeyCategory, number, readonly string[]])[] = [
  ['space', 9, ['space', ' ', 'spacebar']],
  ['digit', 10, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0']],
  ['other', 10, ['`', '~', 'tab', 'esc', 'escape', 'backquote', 'grave']],
  // Shifted digits are punctuation to the reader, so they share punctuation's zone.
  ['other', 12, ['!', '@', '#', '$', '%', '^', '&', '*', '(', ')']],
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
