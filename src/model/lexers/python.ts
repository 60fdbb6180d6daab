// Python's lexer: '…', "…", '''…''', """…""" with any prefix (r, b, f, u, rb, fr …; f-strings count
// whole) and # comments.
import { BSL, DQ, HASH, LF, SQ } from './chars';
import { CodeMarks, type CodeFeatures } from './features';

export const PYTHON_LANGUAGES: ReadonlySet<string> = new Set(['python', 'cython', 'starlark', 'jupyter']);

export function scanPython(syms: Int32Array): CodeFeatures {
  const n = syms.length;
  const m = new CodeMarks(n);
  let i = 0;
  while (i < n) {
    const c = syms[i];
    if (c === HASH) i = m.lineComment(syms, i);
    else if (c === DQ || c === SQ) i = pythonString(syms, m, i);
    else m.code(i++, c);
  }
  return m.features;
}

/**
 * The string whose quote is at k; returns the index after it. Prefix letters (r, b, f, rb …) were marked
 * as code; the quote opens the string either way. A single-quoted string ends at a line break.
 */
function pythonString(syms: Int32Array, m: CodeMarks, k: number): number {
  const n = syms.length;
  const q = syms[k];
  const tripled = (j: number) => j + 2 < n && syms[j + 1] === q && syms[j + 2] === q;
  const triple = tripled(k);
  const len = triple ? 3 : 1;
  m.span(k, k + len, 1, 0);
  let i = k + len;
  while (i < n) {
    const s = syms[i];
    if (s === BSL) {
      m.span(i, i + 2, 1, 0);
      i += 2;
    } else if (s === q && (!triple || tripled(i))) {
      m.closer(i, len);
      return i + len;
    } else if (s === LF && !triple) {
      m.mark(i, 0, 0); // unterminated
      return i + 1;
    } else m.mark(i++, 1, 0);
  }
  return i;
}
