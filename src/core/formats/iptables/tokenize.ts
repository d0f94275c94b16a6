/**
 * A small shell word splitter that keeps offsets: enough for iptables
 * command lines in scripts and in iptables-save output (which quotes
 * comments and log prefixes with double quotes).
 */
export interface Token {
  /** The word after quote removal (and variable expansion in scripts). */
  value: string;
  /** Offsets of the word as written in the file. */
  readonly start: number;
  readonly end: number;
  /** Names of variables the word refers to that could not be resolved. */
  unresolved?: string[];
  /** Whether any part was quoted (quoted words are not split after expansion). */
  readonly quoted: boolean;
  /** The raw text, for re-expansion. */
  readonly raw: string;
}

export interface TokenizeResult {
  readonly tokens: Token[];
  /** Offset where a comment starts, if any. */
  readonly commentStart?: number;
  readonly error?: { readonly start: number; readonly end: number; readonly message: string };
}

/** Splits text[start, end) into words. A backslash-newline is white space. */
export function tokenize(text: string, start: number, end: number): TokenizeResult {
  const tokens: Token[] = [];
  let i = start;
  while (i < end) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3;
      continue;
    }
    if (c === '#') return { tokens, commentStart: i };
    const wordStart = i;
    // Most words have no quote or backslash: they are taken as one slice.
    let plain = i;
    while (plain < end) {
      const d = text.charCodeAt(plain);
      if (d === 32 || d === 9 || d === 13 || d === 10) break;
      if (d === 92 || d === 39 || d === 34) {
        plain = -1;
        break;
      }
      plain++;
    }
    if (plain >= 0) {
      const word = text.slice(wordStart, plain);
      tokens.push({ value: word, start: wordStart, end: plain, quoted: false, raw: word });
      i = plain;
      continue;
    }
    let value = '';
    let quoted = false;
    while (i < end) {
      const d = text[i]!;
      if (d === ' ' || d === '\t' || d === '\r' || d === '\n') break;
      if (d === '\\') {
        if (text[i + 1] === '\n') break;
        if (i + 1 < end) value += text[i + 1];
        i += 2;
        continue;
      }
      if (d === "'" || d === '"') {
        quoted = true;
        const close = findClose(text, i + 1, end, d);
        if (close < 0) {
          return { tokens, error: { start: i, end, message: `unterminated ${d === '"' ? 'double' : 'single'} quote` } };
        }
        const inner = text.slice(i + 1, close);
        value += d === '"' ? inner.replace(/\\(["\\$`])/g, '$1') : inner;
        i = close + 1;
        continue;
      }
      value += d;
      i++;
    }
    tokens.push({ value, start: wordStart, end: i, quoted, raw: text.slice(wordStart, i) });
  }
  return { tokens };
}

function findClose(text: string, from: number, end: number, quote: string): number {
  for (let i = from; i < end; i++) {
    if (quote === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}
