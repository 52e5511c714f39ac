/**
 * Well-formed text. A JavaScript string may hold a lone UTF-16 surrogate (half of a character, from a bad
 * copy-paste, a faulty device or a hostile caller); UTF-8 cannot encode it, so SQLite and every file Veil writes
 * store U+FFFD instead. Anything hashed must therefore be hashed in the form it is stored in, or the audit chain
 * breaks for good at that event (issue 10, finding 11).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** The text as UTF-8 storage will give it back: every lone surrogate becomes U+FFFD, everything else is kept. */
export function wellFormed(text: string): string {
  return isWellFormed(text) ? text : text.replace(LONE_SURROGATES, '\uFFFD');
}

/** Where in an input (object keys included) the first text that is not well formed sits; null when all is well formed. */
export function illFormedTextPath(value: unknown, path: Array<string | number> = []): Array<string | number> | null {
  if (typeof value === 'string') return isWellFormed(value) ? null : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = illFormedTextPath(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (!isWellFormed(key)) return [...path, key];
      const found = illFormedTextPath(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}
