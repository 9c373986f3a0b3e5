import { isWellFormedText, loneSurrogateMessage } from '../contract/well-formed-text';

/**
 * Canonical JSON (RFC 8785 style): object keys sorted by UTF-16 code units, no whitespace,
 * numbers as ECMAScript prints them. Two equal values always give the same text, so a
 * hash over it is stable across processes and app versions. A string with a lone UTF-16
 * surrogate is refused: it has no UTF-8 form, so whatever stores or hashes it as UTF-8 would
 * keep a different text than the one acknowledged.
 */
export function canonicalJson(value: unknown): string {
  const text = encode(value, '$');
  if (text === undefined) throw new TypeError('$: value is not representable as JSON');
  return text;
}

function encode(value: unknown, at: string): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      if (!isWellFormedText(value)) throw new TypeError(`${at}: ${loneSurrogateMessage(value, 'the text')}`);
      return JSON.stringify(value);
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      // NaN and Infinity would silently become null; refuse them instead of losing data.
      if (!Number.isFinite(value)) throw new TypeError(`${at}: ${value} is not representable as JSON`);
      return JSON.stringify(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined; // dropped from objects, like JSON.stringify
    case 'bigint':
      throw new TypeError(`${at}: bigint is not representable as JSON`);
    case 'object':
      break;
  }
  if (Array.isArray(value)) {
    return `[${value.map((v, i) => encode(v, `${at}[${i}]`) ?? 'null').join(',')}]`;
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return encode(withToJson.toJSON(), at);
  const parts: string[] = [];
  for (const key of Object.keys(value as object).sort()) {
    if (!isWellFormedText(key)) throw new TypeError(`${at}: ${loneSurrogateMessage(key, 'a key')}`);
    const encoded = encode((value as Record<string, unknown>)[key], `${at}.${key}`);
    if (encoded !== undefined) parts.push(`${JSON.stringify(key)}:${encoded}`);
  }
  return `{${parts.join(',')}}`;
}
