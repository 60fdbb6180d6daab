// The lexer of Markdown and plain text (and any language no other family claims): inside quotes (straight
// "…" and typographic pairs), inside parentheses; a paragraph break closes whatever was left open.
import { DQ, isCloseBracket, isOpenBracket, isSpace, LF, LPAR, RPAR } from './chars';

export interface ProseFeatures {
  inQuotes: Float32Array;
  inParens: Float32Array;
  bracketDepth: Float32Array;
}

const OPEN_CLOSE: [number, number][] = [
  [0x201c, 0x201d], // “ ”
  [0x2018, 0x2019], // ‘ ’ (a lone ’ is an apostrophe)
  [0x00ab, 0x00bb], // « »
  [0x300c, 0x300d], // 「 」
  [0x300e, 0x300f], // 『 』
  [0x201e, 0x201c], // „ “
];
const FULLWIDTH_LPAR = 0xff08;
const FULLWIDTH_RPAR = 0xff09;

/** Typographic quote pairs open at once, one count per pair. */
class QuotePairs {
  private readonly open = new Int32Array(OPEN_CLOSE.length);

  /** „ closes with “, and “ also opens: a closer of an open pair wins over an opener. */
  read(s: number): void {
    for (let j = 0; j < OPEN_CLOSE.length; j++)
      if (s === OPEN_CLOSE[j][1] && this.open[j] > 0) {
        this.open[j]--;
        return;
      }
    for (let j = 0; j < OPEN_CLOSE.length; j++)
      if (s === OPEN_CLOSE[j][0]) {
        this.open[j]++;
        return;
      }
  }

  anyOpen(): boolean {
    for (let j = 0; j < this.open.length; j++) if (this.open[j] > 0) return true;
    return false;
  }

  reset(): void {
    this.open.fill(0);
  }
}

export function scanProse(syms: Int32Array): ProseFeatures {
  const n = syms.length;
  const inQuotes = new Float32Array(n);
  const inParens = new Float32Array(n);
  const bracketDepth = new Float32Array(n);
  let straight = false;
  const pairs = new QuotePairs();
  let parens = 0;
  let depth = 0;
  let blank = true; // only whitespace since the last line break
  for (let k = 0; k < n; k++) {
    const s = syms[k];
    if (s === LF) {
      if (blank && k > 0) {
        // A paragraph break closes whatever was left open (prose is rarely balanced across paragraphs).
        straight = false;
        pairs.reset();
        parens = 0;
        depth = 0;
      }
      blank = true;
    } else if (!isSpace(s)) blank = false;
    if (s === DQ) straight = !straight;
    else pairs.read(s);
    const open = isOpenBracket(s) || s === FULLWIDTH_LPAR;
    const close = isCloseBracket(s) || s === FULLWIDTH_RPAR;
    if (s === LPAR || s === FULLWIDTH_LPAR) parens++;
    else if ((s === RPAR || s === FULLWIDTH_RPAR) && parens > 0) parens--;
    if (open) depth++;
    else if (close && depth > 0) depth--;
    inQuotes[k] = straight || pairs.anyOpen() ? 1 : 0;
    inParens[k] = parens > 0 ? 1 : 0;
    bracketDepth[k] = depth;
  }
  return { inQuotes, inParens, bracketDepth };
}
