// Visible glyphs for whitespace and control characters, so a prediction of " " or "\n" can be seen and read.

const NAMED: Record<string, string> = {
  ' ': '␣',
  '\n': '⏎',
  '\r\n': '⏎',
  '\r': '␍',
  '\t': '⇥',
  '\u00a0': '⍽',
  '\u007f': '␡',
  '\ufeff': '␢',
};

/** A token as the panel shows it: whitespace and control characters become visible symbols. */
export function visibleToken(token: string): string {
  const named = NAMED[token];
  if (named) return named;
  if (token.length === 1) {
    const code = token.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code); // ␀ … ␟
    if (code >= 0x80 && code < 0xa0) return `\\x${code.toString(16)}`;
  }
  return token;
}

/** A readable name for screen readers and tooltips ("space", "newline", "U+0000"). */
export function describeToken(token: string): string {
  switch (token) {
    case ' ':
      return 'space';
    case '\n':
    case '\r\n':
      return 'newline';
    case '\t':
      return 'tab';
    case '\r':
      return 'carriage return';
    case '':
      return 'end of document';
  }
  const cp = token.codePointAt(0) ?? 0;
  if (token.length <= 2 && (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)))
    return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return token;
}

/** Splits text into code points (a surrogate pair stays whole; "\r\n" stays one token). */
export function codePoints(text: string): string[] {
  const out: string[] = [];
  for (const ch of text) {
    if (ch === '\n' && out.length > 0 && out[out.length - 1] === '\r') out[out.length - 1] = '\r\n';
    else out.push(ch);
  }
  return out;
}
