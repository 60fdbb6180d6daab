// Opener → closer pairs for the long-range probe: brackets ( [ { and quotes " ' `, matched with a stack.
// Inside a quote, brackets and other quote characters are content; a backslash escapes the next character
// inside quotes; " and ' end at a newline when unclosed (` may span lines). A closing bracket that does not
// match the innermost open bracket pops down to its partner when there is one (else it is ignored).
// Lexical, not a parser. Tokens flagged in `skip` (comments, from the lexers' inComment for
// the file's language) are ignored, so an apostrophe or a stray backtick in a comment opens nothing;
// without it (prose, unknown languages) such characters add noise. Distances are in tokens (characters).

export interface Pair {
  /** Token index of the opener and of its closer. */
  open: number;
  close: number;
  /** The closer's code point. */
  closer: number;
}

const OPEN: Record<number, number> = { 40: 41, 91: 93, 123: 125 }; // ( → ), [ → ], { → }
const CLOSE = new Set([41, 93, 125]);
const QUOTES = new Set([34, 39, 96]); // " ' `
const LF = 10;
const BACKSLASH = 92;

export function closers(syms: Int32Array, skip?: ArrayLike<number>): Pair[] {
  const out: Pair[] = [];
  const stack: { sym: number; at: number }[] = [];
  let escaped = false;
  for (let k = 0; k < syms.length; k++) {
    if (skip && skip[k]) continue;
    const c = syms[k];
    const top = stack.length ? stack[stack.length - 1] : null;
    const inQuote = top !== null && QUOTES.has(top.sym);
    if (inQuote) {
      if (escaped) {
        escaped = false;
        continue;
      }
      if (c === BACKSLASH) escaped = true;
      else if (c === top.sym) {
        stack.pop();
        out.push({ open: top.at, close: k, closer: c });
      } else if (c === LF && top.sym !== 96) stack.pop();
      continue;
    }
    if (QUOTES.has(c) || OPEN[c] !== undefined) stack.push({ sym: c, at: k });
    else if (CLOSE.has(c)) {
      let j = stack.length - 1;
      while (j >= 0 && OPEN[stack[j].sym] !== c) j--;
      if (j < 0) continue;
      out.push({ open: stack[j].at, close: k, closer: c });
      stack.length = j;
    }
  }
  return out.sort((a, b) => a.close - b.close);
}

export const DISTANCE_BUCKETS: readonly { label: string; min: number; max: number | null }[] = [
  { label: '1-5', min: 1, max: 5 },
  { label: '6-10', min: 6, max: 10 },
  { label: '11-20', min: 11, max: 20 },
  { label: '21-50', min: 21, max: 50 },
  { label: '51-100', min: 51, max: 100 },
  { label: '>100', min: 101, max: null },
];

export function bucketOf(d: number): number {
  for (let k = 0; k < DISTANCE_BUCKETS.length; k++) {
    const b = DISTANCE_BUCKETS[k];
    if (d >= b.min && (b.max === null || d <= b.max)) return k;
  }
  return 0;
}
