import { z } from 'zod';

/**
 * A string with a lone UTF-16 surrogate has no UTF-8 form: SQLite stores it as the bytes of
 * the surrogate itself and reads them back as three U+FFFD, and TextEncoder replaces it at
 * once. Either way the text changes after it was acknowledged and hashed, so such text is
 * refused where it enters, with this check.
 */
export function isWellFormedText(s: string): boolean {
  // String.prototype.isWellFormed is in Node >= 20 and Chromium >= 111; ES2023 typings lack it.
  return (s as string & { isWellFormed(): boolean }).isWellFormed();
}

/** Index of the first lone surrogate, or -1. */
export function firstLoneSurrogate(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return i;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

export function loneSurrogateMessage(s: string, what: string): string {
  const at = firstLoneSurrogate(s);
  const code = s.charCodeAt(at).toString(16).toUpperCase();
  return `${what} contains an unpaired UTF-16 surrogate (U+${code} at character ${at + 1}), which cannot be stored exactly`;
}

/** A string schema that refuses lone surrogates, saying where the first one is. */
export const wellFormedString = (what: string) =>
  z.string().check((ctx) => {
    if (!isWellFormedText(ctx.value)) {
      ctx.issues.push({ code: 'custom', message: loneSurrogateMessage(ctx.value, what), input: ctx.value });
    }
  });
