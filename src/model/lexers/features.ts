// The per-token feature arrays the lexers fill, which features each family has, and the layout features
// (column, indent, word starts, digits, capitals) that are the same for every family.
//
// Every feature describes the state right after reading token k (what the model could carry at k):
//   inString, inComment, inQuotes, inParens   1 inside, 0 outside. A literal's opening delimiter (quote,
//       `//`, `/*`, `(`) is inside; its closing one (`"`, the `/` of `*/`, `)`) is outside. Prefix letters
//       (r, b, f, R, @) are outside: they read as identifiers until the quote arrives. An unterminated
//       single-line string ends at the line break, which is outside.
//   bracketDepth     open ( [ { outside strings and comments, never below 0.
//   indent           width of the current line's leading whitespace read so far (tab = 4); 0 after a break.
//   column           tokens since the last line break, counting this one (0 right after the break).
//   wordStart        1 when this token is a letter, digit or _ and the previous one is not.
//   digit, uppercase 1 for a decimal digit / an uppercase letter.
import { INSIGHT_FEATURES, type InsightFeature } from '../../shared/domain';
import { charClass, isCloseBracket, isOpenBracket, LF, SPACE, TAB } from './chars';

export type LanguageFamily = 'c-like' | 'python' | 'shell' | 'prose';

/** Per-token features, each a Float32Array as long as the token sequence. */
export type FeatureTable = Partial<Record<InsightFeature, Float32Array>>;

const PROSE_ONLY: readonly InsightFeature[] = ['inQuotes', 'inParens'];
/** Every feature but the prose ones, in the protocol's order. */
export const CODE_FEATURES: readonly InsightFeature[] = INSIGHT_FEATURES.filter((f) => !PROSE_ONLY.includes(f));
/** The prose ones in place of the string and comment flags. */
export const PROSE_FEATURES: readonly InsightFeature[] = [...PROSE_ONLY, ...CODE_FEATURES.slice(2)];

/** The features a family produces, in display order. */
export function featuresOf(family: LanguageFamily): readonly InsightFeature[] {
  return family === 'prose' ? PROSE_FEATURES : CODE_FEATURES;
}

export interface CodeFeatures {
  inString: Float32Array;
  inComment: Float32Array;
  bracketDepth: Float32Array;
}

/** What a code lexer writes: the string / comment flags of each token and the bracket depth it is read at. */
export class CodeMarks {
  readonly features: CodeFeatures;
  /** Open brackets outside strings and comments, never below 0. */
  depth = 0;

  constructor(readonly n: number) {
    this.features = {
      inString: new Float32Array(n),
      inComment: new Float32Array(n),
      bracketDepth: new Float32Array(n),
    };
  }

  /** Token k: s = inside a string, c = inside a comment (past the end of the text: nothing). */
  mark(k: number, s: number, c: number): void {
    if (k >= this.n) return;
    this.features.inString[k] = s;
    this.features.inComment[k] = c;
    this.features.bracketDepth[k] = this.depth;
  }

  /** Tokens from..to−1 alike. */
  span(from: number, to: number, s: number, c: number): void {
    for (let k = from; k < to; k++) this.mark(k, s, c);
  }

  /** A string's closing delimiter of `length` tokens at k: inside but for its last token. */
  closer(k: number, length: number): void {
    this.span(k, k + length - 1, 1, 0);
    this.mark(k + length - 1, 0, 0);
  }

  /** Code token c: counts brackets, marks it as code. */
  code(k: number, c: number): void {
    this.bracket(c);
    this.mark(k, 0, 0);
  }

  bracket(c: number): void {
    if (isOpenBracket(c)) this.depth++;
    else if (isCloseBracket(c) && this.depth > 0) this.depth--;
  }

  /** A comment from k to the end of its line (the line break is code); returns where it stopped. */
  lineComment(syms: Int32Array, k: number): number {
    while (k < this.n && syms[k] !== LF) this.mark(k++, 0, 1);
    return k;
  }
}

/** column, indent, wordStart, digit, uppercase: the same for every family. */
export function layoutFeatures(syms: Int32Array, out: FeatureTable): void {
  const n = syms.length;
  const column = new Float32Array(n);
  const indent = new Float32Array(n);
  const wordStart = new Float32Array(n);
  const digit = new Float32Array(n);
  const upper = new Float32Array(n);
  let col = 0;
  let ind = 0;
  let leading = true;
  let prevWord = false;
  for (let k = 0; k < n; k++) {
    const s = syms[k];
    const cls = charClass(s);
    if (s === LF) {
      col = 0;
      ind = 0;
      leading = true;
    } else {
      col++;
      if (leading && (s === SPACE || s === TAB)) ind += s === TAB ? 4 : 1;
      else leading = false;
    }
    column[k] = col;
    indent[k] = ind;
    const w = (cls & 1) !== 0;
    wordStart[k] = w && !prevWord ? 1 : 0;
    prevWord = w;
    digit[k] = cls & 2 ? 1 : 0;
    upper[k] = cls & 4 ? 1 : 0;
  }
  out.column = column;
  out.indent = indent;
  out.wordStart = wordStart;
  out.digit = digit;
  out.uppercase = upper;
}
