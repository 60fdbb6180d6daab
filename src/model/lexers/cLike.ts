// The C-like lexer (C, C++, Java, C#, Go, Rust, Swift, Kotlin, JS/TS, CSS, JSON …): line and block comments
// (nested where the language nests them), strings, char literals, raw strings of several kinds, template
// literals with nested code, and JS regex literals recognised by the previous significant token.
// A heuristic of a few hundred lines, not a parser.
import {
  AT,
  BSL,
  BT,
  DOLLAR,
  DQ,
  HASH,
  isSpace,
  isWord,
  LBRC,
  LBRK,
  LF,
  LPAR,
  RBRC,
  RBRK,
  RPAR,
  SLASH,
  SPACE,
  SQ,
  STAR,
} from './chars';
import { CodeMarks, type CodeFeatures } from './features';

/** Options of the C-like lexer (which literals and comments the language has). */
export interface CLikeOptions {
  lineComments: boolean;
  /** `#` starts a line comment too (PHP). */
  hashComments: boolean;
  /** Block comments nest (Rust, Swift, Kotlin, Scala, Dart). */
  nestedComments: boolean;
  /** '…' is a string (JS, TS, PHP, Dart, CSS). */
  singleQuoteStrings: boolean;
  /** 'x' / '\n' is a char literal; other quotes (Rust lifetimes, C++14 digit separators) are code. */
  charLiterals: boolean;
  /** `…${expr}…` template literals (JS, TS). */
  templates: boolean;
  /** `…` raw strings (Go). */
  backtickRaw: boolean;
  /** """…""" (Java text blocks, Kotlin, Scala, Swift, C# raw strings, Dart). */
  tripleQuotes: boolean;
  /** "…" may contain line breaks (Rust). */
  multilineStrings: boolean;
  /** R"delim(…)delim" (C++). */
  cppRaw: boolean;
  /** r"…", r#"…"#, br"…" (Rust). */
  rustRaw: boolean;
  /** @"…" verbatim strings with "" for a quote (C#). */
  verbatim: boolean;
  /** /regex/ literals after an operator or keyword (JS, TS). */
  regex: boolean;
}

const NONE: CLikeOptions = {
  lineComments: true,
  hashComments: false,
  nestedComments: false,
  singleQuoteStrings: false,
  charLiterals: false,
  templates: false,
  backtickRaw: false,
  tripleQuotes: false,
  multilineStrings: false,
  cppRaw: false,
  rustRaw: false,
  verbatim: false,
  regex: false,
};

const JS: Partial<CLikeOptions> = { singleQuoteStrings: true, templates: true, regex: true };
const C: Partial<CLikeOptions> = { charLiterals: true };
export const CLIKE_LANGUAGES: Record<string, Partial<CLikeOptions>> = {
  javascript: JS,
  javascriptreact: JS,
  typescript: JS,
  typescriptreact: JS,
  vue: JS,
  svelte: JS,
  c: C,
  cpp: { ...C, cppRaw: true },
  'cuda-cpp': { ...C, cppRaw: true },
  'objective-c': C,
  'objective-cpp': { ...C, cppRaw: true },
  hlsl: C,
  glsl: C,
  java: { ...C, tripleQuotes: true },
  csharp: { ...C, verbatim: true, tripleQuotes: true },
  go: { ...C, backtickRaw: true },
  rust: { ...C, nestedComments: true, multilineStrings: true, rustRaw: true },
  swift: { nestedComments: true, tripleQuotes: true },
  kotlin: { ...C, nestedComments: true, tripleQuotes: true },
  scala: { ...C, nestedComments: true, tripleQuotes: true },
  groovy: { singleQuoteStrings: true, tripleQuotes: true },
  dart: { singleQuoteStrings: true, nestedComments: true, tripleQuotes: true },
  php: { singleQuoteStrings: true, hashComments: true },
  css: { singleQuoteStrings: true, lineComments: false },
  scss: { singleQuoteStrings: true },
  less: { singleQuoteStrings: true },
  json: {},
  jsonc: {},
  json5: { singleQuoteStrings: true },
  proto: { singleQuoteStrings: true },
  solidity: { singleQuoteStrings: true },
  zig: C,
};

/** The C-like options of a VS Code language id (unknown ids: plain C without char literals). */
export function cLikeOptions(languageId: string): CLikeOptions {
  return { ...NONE, ...(CLIKE_LANGUAGES[languageId.toLowerCase()] ?? {}) };
}

/** What the lexer is inside of at the current token. */
const enum Mode {
  Code,
  LineComment,
  BlockComment,
  /** "…" or '…' with the current quote, escapes, doubling and line-break rules. */
  Str,
  /** Ends at an exact closing sequence, no escapes (raw strings, """…""", Go `…`). */
  Raw,
  /** A `…` template literal's text (its `${…}` holes are code). */
  Template,
  Regex,
}

const REGEX_KEYWORDS = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'yield',
  'await',
  'instanceof',
]);

const R_UPPER = 82;
const R_LOWER = 114;
const B_LOWER = 98;
/** A regex is an operand (as if an identifier ended here): a slash after it divides. */
const OPERAND = 120;

export function scanCLike(syms: Int32Array, o: CLikeOptions): CodeFeatures {
  return new CLikeLexer(syms, o).run();
}

/** One pass over the tokens: each mode reads the token at `i` and moves `i` past what it consumed. */
class CLikeLexer {
  private readonly n: number;
  private readonly m: CodeMarks;
  private i = 0;
  private mode = Mode.Code;
  /** Block comment nesting. */
  private nest = 0;
  // Mode.Str: the closing quote, whether \ escapes, whether a doubled quote is a quote (C# verbatim), whether
  // a line break may stand inside.
  private quote = DQ;
  private escapes = true;
  private doubled = false;
  private multiline = false;
  /** Mode.Raw: the closing sequence. */
  private closing: number[] = [];
  /** Mode.Regex: inside a [character class]. */
  private inClass = false;
  /** Bracket depth at each open `${`. */
  private readonly holes: number[] = [];
  // Regex detection: the last significant code token, the word being read and the word last ended.
  private lastSig = -1;
  private word = '';
  private lastWord = '';

  constructor(
    private readonly syms: Int32Array,
    private readonly o: CLikeOptions,
  ) {
    this.n = syms.length;
    this.m = new CodeMarks(this.n);
  }

  /** The reader of each mode, in the order of `Mode`. */
  private readonly readers: readonly ((c: number) => void)[] = [
    (c) => this.code(c),
    (c) => this.lineComment(c),
    (c) => this.blockComment(c),
    (c) => this.string(c),
    () => this.raw(),
    (c) => this.template(c),
    (c) => this.regex(c),
  ];

  run(): CodeFeatures {
    while (this.i < this.n) this.readers[this.mode](this.syms[this.i]);
    return this.m.features;
  }

  private at(k: number): number {
    return k < this.n && k >= 0 ? this.syms[k] : -1;
  }

  private identBefore(k: number): boolean {
    return k >= 0 && (isWord(this.syms[k]) || this.syms[k] === DOLLAR);
  }

  // ── code ──

  private code(c: number): void {
    // Track the word being read, for regex-vs-division and prefixes.
    if (isWord(c)) this.word += String.fromCodePoint(c);
    else if (this.word) {
      this.lastWord = this.word;
      this.word = '';
    }
    if (this.openComment(c) || this.openQuoted(c) || this.openRegex(c)) return;
    const i = this.i;
    const m = this.m;
    m.bracket(c);
    if (c === RBRC && this.holes.length > 0 && m.depth === this.holes[this.holes.length - 1]) {
      // The } that closes a template's ${ hole: back to the template's text.
      this.holes.pop();
      this.mode = Mode.Template;
      m.mark(i, 1, 0);
      this.i++;
      return;
    }
    if (!isSpace(c) && c !== LF) {
      this.lastSig = c;
      if (!isWord(c)) this.lastWord = '';
    }
    m.mark(i, 0, 0);
    this.i++;
  }

  /** `//`, `#` (PHP), `/*` at the current token. */
  private openComment(c: number): boolean {
    const nx = this.at(this.i + 1);
    if ((c === SLASH && nx === SLASH && this.o.lineComments) || (c === HASH && this.o.hashComments)) {
      this.mode = Mode.LineComment;
      this.m.mark(this.i++, 0, 1);
      return true;
    }
    if (c === SLASH && nx === STAR) {
      this.mode = Mode.BlockComment;
      this.nest = 1;
      this.m.span(this.i, this.i + 2, 0, 1);
      this.i += 2;
      return true;
    }
    return false;
  }

  /** Any string, char literal or template opening at the current token. */
  private openQuoted(c: number): boolean {
    if (c === DQ) {
      if (this.openCppRaw() || this.openVerbatim() || this.openTripleQuote()) return this.wordEnds();
      this.openString(DQ, true, false, this.o.multilineStrings);
      return this.wordEnds();
    }
    if (this.openRustRaw(c)) return this.wordEnds();
    if (c === SQ) {
      if (this.o.singleQuoteStrings) {
        this.openString(SQ, true, false, false);
        return true;
      }
      if (this.o.charLiterals && this.charLiteral()) return true;
    }
    if (c === BT && (this.o.templates || this.o.backtickRaw)) {
      this.m.mark(this.i++, 1, 0);
      if (this.o.templates) this.mode = Mode.Template;
      else this.openRaw([BT]);
      return true;
    }
    return false;
  }

  /** A literal opened after a word (a prefix such as R, @, r, b): the word does not carry past it. */
  private wordEnds(): true {
    this.word = '';
    return true;
  }

  private openString(quote: number, escapes: boolean, doubled: boolean, multiline: boolean): void {
    this.mode = Mode.Str;
    this.quote = quote;
    this.escapes = escapes;
    this.doubled = doubled;
    this.multiline = multiline;
    this.m.mark(this.i++, 1, 0);
  }

  private openRaw(closing: number[]): void {
    this.mode = Mode.Raw;
    this.closing = closing;
  }

  /** C++ raw string R"delim( … )delim", with an optional u8 / u / U / L before the R. */
  private openCppRaw(): boolean {
    const { i, syms, n } = this;
    if (!this.o.cppRaw || this.at(i - 1) !== R_UPPER) return false;
    if (this.identBefore(i - 2) && !/^(u8|u|U|L)$/.test(lastIdentEnding(syms, i - 2))) return false;
    let j = i + 1;
    const delim: number[] = [];
    while (j < n && j - i <= 17 && syms[j] !== LPAR && syms[j] !== LF && syms[j] !== BSL && syms[j] !== SPACE)
      delim.push(syms[j++]);
    if (this.at(j) !== LPAR) return false;
    this.m.span(i, j + 1, 1, 0);
    this.openRaw([RPAR, ...delim, DQ]);
    this.i = j + 1;
    return true;
  }

  /** C# @"…" and $@"…": no escapes, "" is a quote, line breaks allowed. */
  private openVerbatim(): boolean {
    const prev = this.at(this.i - 1);
    if (!this.o.verbatim || !(prev === AT || (prev === DOLLAR && this.at(this.i - 2) === AT))) return false;
    this.openString(DQ, false, true, true);
    return true;
  }

  private openTripleQuote(): boolean {
    const i = this.i;
    if (!this.o.tripleQuotes || this.at(i + 1) !== DQ || this.at(i + 2) !== DQ) return false;
    this.openRaw([DQ, DQ, DQ]);
    this.m.span(i, i + 3, 1, 0);
    this.i += 3;
    return true;
  }

  /** Rust r"…", r#"…"#, br"…": count the hashes, then the quote. */
  private openRustRaw(c: number): boolean {
    const i = this.i;
    const bytes = c === B_LOWER && this.at(i + 1) === R_LOWER;
    if (!this.o.rustRaw || !(c === R_LOWER || bytes) || this.identBefore(i - 1)) return false;
    const prefix = bytes ? 2 : 1;
    let j = i + prefix;
    while (this.at(j) === HASH) j++;
    if (this.at(j) !== DQ) return false;
    this.m.span(i, i + prefix, 0, 0);
    this.m.span(i + prefix, j + 1, 1, 0);
    this.openRaw([DQ, ...Array.from({ length: j - i - prefix }, () => HASH)]);
    this.i = j + 1;
    return true;
  }

  /** 'x' / '\n' as one literal; false when this quote is no char literal (a Rust lifetime, a digit separator). */
  private charLiteral(): boolean {
    const i = this.i;
    const end = charLiteralEnd(this.syms, i);
    if (end <= 0) return false;
    this.m.closer(i, end - i + 1);
    this.i = end + 1;
    this.lastSig = SQ;
    return true;
  }

  private openRegex(c: number): boolean {
    if (c !== SLASH || !this.o.regex || !regexAllowed(this.lastSig, this.lastWord, this.word)) return false;
    this.mode = Mode.Regex;
    this.inClass = false;
    this.m.mark(this.i++, 0, 0);
    return true;
  }

  // ── inside comments and literals ──

  private lineComment(c: number): void {
    if (c === LF) {
      this.mode = Mode.Code;
      this.m.mark(this.i, 0, 0);
    } else this.m.mark(this.i, 0, 1);
    this.i++;
  }

  private blockComment(c: number): void {
    const i = this.i;
    const nx = this.at(i + 1);
    if (this.o.nestedComments && c === SLASH && nx === STAR) {
      this.nest++;
      this.m.span(i, i + 2, 0, 1);
      this.i += 2;
    } else if (c === STAR && nx === SLASH) {
      this.nest--;
      this.m.mark(i, 0, 1);
      this.m.mark(i + 1, 0, this.nest > 0 ? 1 : 0);
      if (this.nest === 0) this.mode = Mode.Code;
      this.i += 2;
    } else {
      this.m.mark(i, 0, 1);
      this.i++;
    }
  }

  /** A backslash and the token it escapes, both inside (s = 1) or both not. */
  private escape(s: number): void {
    this.m.span(this.i, this.i + 2, s, 0);
    this.i += 2;
  }

  private string(c: number): void {
    const i = this.i;
    if (this.escapes && c === BSL) this.escape(1);
    else if (c === this.quote && this.doubled && this.at(i + 1) === this.quote) this.escape(1);
    else if (c === this.quote) {
      this.m.mark(i, 0, 0);
      this.mode = Mode.Code;
      this.lastSig = c;
      this.i++;
    } else if (c === LF && !this.multiline) {
      this.m.mark(i, 0, 0); // unterminated: the line break ends it
      this.mode = Mode.Code;
      this.i++;
    } else this.m.mark(this.i++, 1, 0);
  }

  private raw(): void {
    const closing = this.closing;
    for (let j = 0; j < closing.length; j++)
      if (this.at(this.i + j) !== closing[j]) {
        this.m.mark(this.i++, 1, 0);
        return;
      }
    this.m.closer(this.i, closing.length);
    this.i += closing.length;
    this.mode = Mode.Code;
    this.lastSig = DQ;
  }

  private template(c: number): void {
    const i = this.i;
    if (c === BSL) this.escape(1);
    else if (c === BT) {
      this.m.mark(i, 0, 0);
      this.mode = Mode.Code;
      this.lastSig = BT;
      this.i++;
    } else if (c === DOLLAR && this.at(i + 1) === LBRC) {
      // A ${ hole: its code runs until the } at the depth it opened at.
      this.m.mark(i, 1, 0);
      this.holes.push(this.m.depth);
      this.m.depth++;
      this.m.mark(i + 1, 0, 0);
      this.mode = Mode.Code;
      this.lastSig = LBRC;
      this.i += 2;
    } else this.m.mark(this.i++, 1, 0);
  }

  private regex(c: number): void {
    if (c === BSL) {
      this.escape(0);
      return;
    }
    if (c === LBRK) this.inClass = true;
    else if (c === RBRK) this.inClass = false;
    else if ((c === SLASH && !this.inClass) || c === LF) {
      this.mode = Mode.Code;
      this.lastSig = OPERAND;
      this.lastWord = '';
    }
    this.m.mark(this.i++, 0, 0);
  }
}

/** The identifier ending at k (for C++ raw-string prefixes u8R, LR …). */
function lastIdentEnding(syms: Int32Array, k: number): string {
  let s = '';
  while (k >= 0 && isWord(syms[k]) && s.length < 4) s = String.fromCodePoint(syms[k--]) + s;
  return s;
}

/** Index of the closing quote of a char literal opening at k, or −1 when this quote is not one. */
function charLiteralEnd(syms: Int32Array, k: number): number {
  const n = syms.length;
  const a = k + 1 < n ? syms[k + 1] : -1;
  if (a === BSL) {
    // '\'' '\n' '\x41' '\u{1F600}': the escaped character is never the closing quote.
    for (let j = k + 3; j < n && j <= k + 14; j++) {
      const s = syms[j];
      if (s === LF) return -1;
      if (s === BSL) j++;
      else if (s === SQ) return j;
    }
    return -1;
  }
  if (a === -1 || a === LF || a === SQ) return -1;
  return k + 2 < n && syms[k + 2] === SQ ? k + 2 : -1;
}

function regexAllowed(lastSig: number, lastWord: string, word: string): boolean {
  if (word) return REGEX_KEYWORDS.has(word);
  if (lastSig === -1) return true;
  if (isWord(lastSig) || lastSig === DOLLAR) return REGEX_KEYWORDS.has(lastWord);
  return lastSig !== RPAR && lastSig !== RBRK && lastSig !== DQ && lastSig !== SQ && lastSig !== BT;
}
