// Small lexical scanners, one per language family, that turn a document's tokens into per-token features
// for automatic unit labels. They run over the model's own tokens (code points, CRLF folded into one LF
// token), so feature k lines up with unit value k with no offset arithmetic.
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
// These are heuristics of a few hundred lines, not parsers: JS regex literals are recognised by the
// previous significant token, shell heredocs by `<<WORD`, prose quotes by pairing and paragraph breaks.
import type { InsightFeature } from '../../shared/domain';

export type LanguageFamily = 'c-like' | 'python' | 'shell' | 'prose';

/** Per-token features, each a Float32Array as long as the token sequence. */
export type FeatureTable = Partial<Record<InsightFeature, Float32Array>>;

export const CODE_FEATURES: readonly InsightFeature[] = [
  'inString',
  'inComment',
  'bracketDepth',
  'indent',
  'column',
  'wordStart',
  'digit',
  'uppercase',
];
export const PROSE_FEATURES: readonly InsightFeature[] = [
  'inQuotes',
  'inParens',
  'bracketDepth',
  'indent',
  'column',
  'wordStart',
  'digit',
  'uppercase',
];

/** Options of the C-like scanner (which literals and comments the language has). */
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
const CLIKE_LANGUAGES: Record<string, Partial<CLikeOptions>> = {
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

const PYTHON_LANGUAGES = new Set(['python', 'cython', 'starlark', 'jupyter']);
const SHELL_LANGUAGES = new Set([
  'shellscript',
  'bash',
  'sh',
  'zsh',
  'fish',
  'dockerfile',
  'makefile',
  'yaml',
  'toml',
  'perl',
  'ruby',
  'r',
  'powershell',
  'cmake',
  'properties',
  'nix',
  'coffeescript',
  'julia',
  'elixir',
  'tcl',
]);

/** The scanner family for a VS Code language id (unknown ids are treated as prose). */
export function familyOf(languageId: string): LanguageFamily {
  const id = languageId.toLowerCase();
  if (id in CLIKE_LANGUAGES) return 'c-like';
  if (PYTHON_LANGUAGES.has(id)) return 'python';
  if (SHELL_LANGUAGES.has(id)) return 'shell';
  return 'prose';
}

export function cLikeOptions(languageId: string): CLikeOptions {
  return { ...NONE, ...(CLIKE_LANGUAGES[languageId.toLowerCase()] ?? {}) };
}

/** A VS Code language id from a file name (for the CLI). */
export function languageIdOfFile(name: string): string {
  const lower = name.toLowerCase();
  const base = lower.split(/[\\/]/).pop() ?? lower;
  if (base === 'makefile' || base === 'gnumakefile') return 'makefile';
  if (base === 'dockerfile') return 'dockerfile';
  const ext = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : '';
  const byExt: Record<string, string> = {
    js: 'javascript',
    mjs: 'javascript',
    cjs: 'javascript',
    jsx: 'javascriptreact',
    ts: 'typescript',
    mts: 'typescript',
    cts: 'typescript',
    tsx: 'typescriptreact',
    c: 'c',
    h: 'c',
    cc: 'cpp',
    cpp: 'cpp',
    cxx: 'cpp',
    hpp: 'cpp',
    hh: 'cpp',
    hxx: 'cpp',
    m: 'objective-c',
    java: 'java',
    cs: 'csharp',
    go: 'go',
    rs: 'rust',
    swift: 'swift',
    kt: 'kotlin',
    kts: 'kotlin',
    scala: 'scala',
    dart: 'dart',
    php: 'php',
    css: 'css',
    scss: 'scss',
    less: 'less',
    json: 'json',
    jsonc: 'jsonc',
    py: 'python',
    pyi: 'python',
    pyx: 'cython',
    sh: 'shellscript',
    bash: 'shellscript',
    zsh: 'shellscript',
    yml: 'yaml',
    yaml: 'yaml',
    toml: 'toml',
    pl: 'perl',
    pm: 'perl',
    rb: 'ruby',
    r: 'r',
    ps1: 'powershell',
    md: 'markdown',
    markdown: 'markdown',
    txt: 'plaintext',
    rst: 'restructuredtext',
    tex: 'latex',
  };
  return byExt[ext] ?? 'plaintext';
}

// ───────────────────────────── character classes ─────────────────────────────

const LF = 10;
const TAB = 9;
const SPACE = 32;
const DQ = 34; // "
const SQ = 39; // '
const BT = 96; // `
const SLASH = 47;
const STAR = 42;
const BSL = 92; // \
const HASH = 35;
const DOLLAR = 36;
const LPAR = 40;
const RPAR = 41;
const LBRK = 91;
const RBRK = 93;
const LBRC = 123;
const RBRC = 125;
const AT = 64;

const wordMemo = new Map<number, number>();
/** 0: other, 1: word char (letter / digit / _), bit 2: digit, bit 4: uppercase. */
function charClass(sym: number): number {
  if (sym < 128) {
    if (sym >= 48 && sym <= 57) return 1 | 2;
    if (sym >= 65 && sym <= 90) return 1 | 4;
    if ((sym >= 97 && sym <= 122) || sym === 95) return 1;
    return 0;
  }
  let c = wordMemo.get(sym);
  if (c === undefined) {
    const s = String.fromCodePoint(sym);
    c = 0;
    if (/[\p{L}\p{N}\p{M}_]/u.test(s)) c |= 1;
    if (/\p{Nd}/u.test(s)) c |= 2;
    if (/\p{Lu}/u.test(s)) c |= 4;
    if (wordMemo.size < 65536) wordMemo.set(sym, c);
  }
  return c;
}

const isWord = (sym: number) => (charClass(sym) & 1) !== 0;
const isSpace = (sym: number) => sym === SPACE || sym === TAB || sym === 12 || sym === 11 || sym === 13;

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

/** All features of a family for a token sequence. */
export function scanFeatures(syms: Int32Array, languageId: string): { family: LanguageFamily; table: FeatureTable } {
  const family = familyOf(languageId);
  const table: FeatureTable = {};
  layoutFeatures(syms, table);
  if (family === 'c-like') Object.assign(table, scanCLike(syms, cLikeOptions(languageId)));
  else if (family === 'python') Object.assign(table, scanPython(syms));
  else if (family === 'shell') Object.assign(table, scanShell(syms));
  else Object.assign(table, scanProse(syms));
  return { family, table };
}

/** The features a family produces, in display order. */
export function featuresOf(family: LanguageFamily): readonly InsightFeature[] {
  return family === 'prose' ? PROSE_FEATURES : CODE_FEATURES;
}

interface CodeFeatures {
  inString: Float32Array;
  inComment: Float32Array;
  bracketDepth: Float32Array;
}

function codeArrays(n: number): CodeFeatures {
  return { inString: new Float32Array(n), inComment: new Float32Array(n), bracketDepth: new Float32Array(n) };
}

// ─────────────────────────────────── C-like ───────────────────────────────────

const enum M {
  Code,
  Line,
  Block,
  Str,
  Raw,
  Tpl,
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

export function scanCLike(syms: Int32Array, o: CLikeOptions): CodeFeatures {
  const n = syms.length;
  const f = codeArrays(n);
  const at = (k: number) => (k < n && k >= 0 ? syms[k] : -1);
  let mode = M.Code;
  let depth = 0;
  let nest = 0; // block comment nesting
  let quote = DQ; // closing quote of M.Str
  let escapes = true;
  let doubled = false; // "" is a quote (C# verbatim)
  let multiline = false;
  let closing: number[] = []; // closing sequence of M.Raw
  let inClass = false; // regex character class
  const tpl: number[] = []; // bracket depth at each open `${`
  // Regex detection: the last significant code token and the word it ended.
  let lastSig = -1;
  let word = '';
  let lastWord = '';
  const mark = (k: number, s: number, c: number) => {
    if (k >= n) return;
    f.inString[k] = s;
    f.inComment[k] = c;
    f.bracketDepth[k] = depth;
  };
  const matches = (k: number, seq: number[]) => {
    for (let j = 0; j < seq.length; j++) if (at(k + j) !== seq[j]) return false;
    return true;
  };
  const identBefore = (k: number) => k >= 0 && (isWord(syms[k]) || syms[k] === DOLLAR);
  let i = 0;
  while (i < n) {
    const c = syms[i];
    switch (mode) {
      case M.Code: {
        // Track the word being read, for regex-vs-division and prefixes.
        if (isWord(c)) word += String.fromCodePoint(c);
        else if (word) {
          lastWord = word;
          word = '';
        }
        const nx = at(i + 1);
        if (c === SLASH && nx === SLASH && o.lineComments) {
          mode = M.Line;
          mark(i, 0, 1);
          i++;
          continue;
        }
        if (c === HASH && o.hashComments) {
          mode = M.Line;
          mark(i, 0, 1);
          i++;
          continue;
        }
        if (c === SLASH && nx === STAR) {
          mode = M.Block;
          nest = 1;
          mark(i, 0, 1);
          mark(i + 1, 0, 1);
          i += 2;
          continue;
        }
        if (c === DQ) {
          const prev = at(i - 1);
          // C++ raw string: R"delim( … )delim"
          if (
            o.cppRaw &&
            prev === 82 /* R */ &&
            (!identBefore(i - 2) || /^(u8|u|U|L)$/.test(lastIdentEnding(syms, i - 2)))
          ) {
            let j = i + 1;
            const delim: number[] = [];
            while (j < n && j - i <= 17 && syms[j] !== LPAR && syms[j] !== LF && syms[j] !== BSL && syms[j] !== SPACE)
              delim.push(syms[j++]);
            if (at(j) === LPAR) {
              closing = [RPAR, ...delim, DQ];
              for (let k = i; k <= j; k++) mark(k, 1, 0);
              mode = M.Raw;
              i = j + 1;
              word = '';
              continue;
            }
          }
          if (o.verbatim && (prev === AT || (prev === DOLLAR && at(i - 2) === AT))) {
            mode = M.Str;
            quote = DQ;
            escapes = false;
            doubled = true;
            multiline = true;
            mark(i, 1, 0);
            i++;
            word = '';
            continue;
          }
          if (o.tripleQuotes && nx === DQ && at(i + 2) === DQ) {
            mode = M.Raw;
            closing = [DQ, DQ, DQ];
            mark(i, 1, 0);
            mark(i + 1, 1, 0);
            mark(i + 2, 1, 0);
            i += 3;
            word = '';
            continue;
          }
          mode = M.Str;
          quote = DQ;
          escapes = true;
          doubled = false;
          multiline = o.multilineStrings;
          mark(i, 1, 0);
          i++;
          word = '';
          continue;
        }
        if (o.rustRaw && (c === 114 /* r */ || (c === 98 /* b */ && nx === 114)) && !identBefore(i - 1)) {
          // r"…", r#"…"#, br"…": count hashes, then the quote.
          let j = c === 98 ? i + 2 : i + 1;
          let hashes = 0;
          while (at(j) === HASH) {
            hashes++;
            j++;
          }
          if (at(j) === DQ) {
            for (let k = i; k < j; k++) mark(k, k === i || (c === 98 && k === i + 1) ? 0 : 1, 0);
            mark(j, 1, 0);
            closing = [DQ, ...Array.from({ length: hashes }, () => HASH)];
            mode = M.Raw;
            i = j + 1;
            word = '';
            continue;
          }
        }
        if (c === SQ) {
          if (o.singleQuoteStrings) {
            mode = M.Str;
            quote = SQ;
            escapes = true;
            doubled = false;
            multiline = false;
            mark(i, 1, 0);
            i++;
            continue;
          }
          if (o.charLiterals) {
            const end = charLiteralEnd(syms, i);
            if (end > 0) {
              for (let k = i; k < end; k++) mark(k, 1, 0);
              mark(end, 0, 0);
              i = end + 1;
              lastSig = SQ;
              continue;
            }
          }
        }
        if (c === BT && (o.templates || o.backtickRaw)) {
          mark(i, 1, 0);
          if (o.templates) mode = M.Tpl;
          else {
            mode = M.Raw;
            closing = [BT];
          }
          i++;
          continue;
        }
        if (c === SLASH && o.regex && regexAllowed(lastSig, lastWord, word)) {
          mode = M.Regex;
          inClass = false;
          mark(i, 0, 0);
          i++;
          continue;
        }
        if (c === LPAR || c === LBRK || c === LBRC) depth++;
        else if (c === RPAR || c === RBRK || c === RBRC) {
          if (depth > 0) depth--;
          if (c === RBRC && tpl.length > 0 && depth === tpl[tpl.length - 1]) {
            tpl.pop();
            mode = M.Tpl;
            mark(i, 1, 0);
            i++;
            continue;
          }
        }
        if (!isSpace(c) && c !== LF) {
          lastSig = c;
          if (!isWord(c)) lastWord = '';
        }
        mark(i, 0, 0);
        i++;
        continue;
      }
      case M.Line: {
        if (c === LF) {
          mode = M.Code;
          mark(i, 0, 0);
        } else mark(i, 0, 1);
        i++;
        continue;
      }
      case M.Block: {
        const nx = at(i + 1);
        if (o.nestedComments && c === SLASH && nx === STAR) {
          nest++;
          mark(i, 0, 1);
          mark(i + 1, 0, 1);
          i += 2;
        } else if (c === STAR && nx === SLASH) {
          nest--;
          mark(i, 0, 1);
          mark(i + 1, 0, nest > 0 ? 1 : 0);
          if (nest === 0) mode = M.Code;
          i += 2;
        } else {
          mark(i, 0, 1);
          i++;
        }
        continue;
      }
      case M.Str: {
        if (escapes && c === BSL) {
          mark(i, 1, 0);
          mark(i + 1, 1, 0);
          i += 2;
        } else if (c === quote) {
          if (doubled && at(i + 1) === quote) {
            mark(i, 1, 0);
            mark(i + 1, 1, 0);
            i += 2;
          } else {
            mark(i, 0, 0);
            mode = M.Code;
            lastSig = c;
            i++;
          }
        } else if (c === LF && !multiline) {
          mark(i, 0, 0); // unterminated: the line break ends it
          mode = M.Code;
          i++;
        } else {
          mark(i, 1, 0);
          i++;
        }
        continue;
      }
      case M.Raw: {
        if (matches(i, closing)) {
          for (let k = 0; k < closing.length - 1; k++) mark(i + k, 1, 0);
          mark(i + closing.length - 1, 0, 0);
          i += closing.length;
          mode = M.Code;
          lastSig = DQ;
        } else {
          mark(i, 1, 0);
          i++;
        }
        continue;
      }
      case M.Tpl: {
        if (c === BSL) {
          mark(i, 1, 0);
          mark(i + 1, 1, 0);
          i += 2;
        } else if (c === BT) {
          mark(i, 0, 0);
          mode = M.Code;
          lastSig = BT;
          i++;
        } else if (c === DOLLAR && at(i + 1) === LBRC) {
          mark(i, 1, 0);
          tpl.push(depth);
          depth++;
          mark(i + 1, 0, 0);
          mode = M.Code;
          lastSig = LBRC;
          i += 2;
        } else {
          mark(i, 1, 0);
          i++;
        }
        continue;
      }
      case M.Regex: {
        if (c === BSL) {
          mark(i, 0, 0);
          mark(i + 1, 0, 0);
          i += 2;
          continue;
        }
        if (c === LBRK) inClass = true;
        else if (c === RBRK) inClass = false;
        else if ((c === SLASH && !inClass) || c === LF) {
          mode = M.Code;
          lastSig = 120; // a regex is an operand (as if an identifier ended here): a slash after it divides
          lastWord = '';
        }
        mark(i, 0, 0);
        i++;
        continue;
      }
    }
  }
  return f;
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

// ─────────────────────────────────── Python ───────────────────────────────────

const PY_PREFIX = new Set(['r', 'u', 'b', 'f', 't', 'br', 'rb', 'fr', 'rf', 'tr', 'rt']);

/** Python: '…', "…", '''…''', """…""" with any prefix (r, b, f, u, rb, fr …; f-strings count whole), # comments. */
export function scanPython(syms: Int32Array): CodeFeatures {
  const n = syms.length;
  const f = codeArrays(n);
  let depth = 0;
  const mark = (k: number, s: number, c: number) => {
    if (k >= n) return;
    f.inString[k] = s;
    f.inComment[k] = c;
    f.bracketDepth[k] = depth;
  };
  let i = 0;
  while (i < n) {
    const c = syms[i];
    if (c === HASH) {
      while (i < n && syms[i] !== LF) mark(i++, 0, 1);
      continue;
    }
    if (c === DQ || c === SQ) {
      // Prefix letters (r, b, f, rb …) were marked as code; the quote opens the string either way.
      const triple = i + 2 < n && syms[i + 1] === c && syms[i + 2] === c;
      if (triple) {
        mark(i, 1, 0);
        mark(i + 1, 1, 0);
        mark(i + 2, 1, 0);
        i += 3;
        for (;;) {
          if (i >= n) break;
          const s = syms[i];
          if (s === BSL) {
            mark(i, 1, 0);
            mark(i + 1, 1, 0);
            i += 2;
          } else if (s === c && i + 2 < n && syms[i + 1] === c && syms[i + 2] === c) {
            mark(i, 1, 0);
            mark(i + 1, 1, 0);
            mark(i + 2, 0, 0);
            i += 3;
            break;
          } else mark(i++, 1, 0);
        }
      } else {
        mark(i, 1, 0);
        i++;
        for (;;) {
          if (i >= n) break;
          const s = syms[i];
          if (s === BSL) {
            mark(i, 1, 0);
            mark(i + 1, 1, 0);
            i += 2;
          } else if (s === c) {
            mark(i++, 0, 0);
            break;
          } else if (s === LF) {
            mark(i++, 0, 0); // unterminated
            break;
          } else mark(i++, 1, 0);
        }
      }
      continue;
    }
    if (c === LPAR || c === LBRK || c === LBRC) depth++;
    else if ((c === RPAR || c === RBRK || c === RBRC) && depth > 0) depth--;
    mark(i, 0, 0);
    i++;
  }
  return f;
}

/** True when the letters before a quote at k are a Python string prefix (for tests / callers). */
export function pythonPrefixAt(syms: Int32Array, k: number): string | null {
  let s = '';
  let j = k - 1;
  while (j >= 0 && isWord(syms[j]) && s.length <= 2) s = String.fromCodePoint(syms[j--]) + s;
  if (s === '') return '';
  return PY_PREFIX.has(s.toLowerCase()) ? s : null;
}

// ─────────────────────────────────── shell ───────────────────────────────────

/** Shell and other #-comment languages: '…' (no escapes), "…" and $'…' (escapes), # comments at a word start, heredocs. */
export function scanShell(syms: Int32Array): CodeFeatures {
  const n = syms.length;
  const f = codeArrays(n);
  let depth = 0;
  const mark = (k: number, s: number, c: number) => {
    if (k >= n) return;
    f.inString[k] = s;
    f.inComment[k] = c;
    f.bracketDepth[k] = depth;
  };
  const heredocs: { word: string; strip: boolean }[] = [];
  let i = 0;
  const lineAt = (k: number) => {
    let e = k;
    while (e < n && syms[e] !== LF) e++;
    return e;
  };
  while (i < n) {
    const c = syms[i];
    const prev = i > 0 ? syms[i - 1] : LF;
    if (c === LF && heredocs.length > 0) {
      mark(i++, 1, 0); // the body starts after this break
      while (heredocs.length > 0 && i < n) {
        const h = heredocs[0];
        const e = lineAt(i);
        let b = i;
        if (h.strip) while (b < e && syms[b] === TAB) b++;
        const line = String.fromCodePoint(...syms.subarray(b, e));
        if (line === h.word) {
          for (let k = i; k < e; k++) mark(k, 0, 0);
          heredocs.shift();
          i = e; // the terminator's line break is code (or starts the next body)
          if (heredocs.length > 0 && i < n) mark(i++, 1, 0);
        } else {
          for (let k = i; k <= e && k < n; k++) mark(k, 1, 0);
          i = e + 1;
        }
      }
      continue;
    }
    if (c === HASH && (isSpace(prev) || prev === LF || prev === 59 || prev === 38 || prev === 124 || prev === LPAR)) {
      while (i < n && syms[i] !== LF) mark(i++, 0, 1);
      continue;
    }
    if (c === BSL) {
      mark(i, 0, 0);
      mark(i + 1, 0, 0);
      i += 2;
      continue;
    }
    if (c === SQ && prev !== DOLLAR) {
      mark(i++, 1, 0);
      while (i < n && syms[i] !== SQ) mark(i++, 1, 0);
      mark(i++, 0, 0);
      continue;
    }
    if (c === DQ || (c === SQ && prev === DOLLAR)) {
      mark(i++, 1, 0);
      while (i < n && syms[i] !== c) {
        if (syms[i] === BSL) mark(i++, 1, 0);
        mark(i++, 1, 0);
      }
      mark(i++, 0, 0);
      continue;
    }
    if (c === 60 && syms[i + 1] === 60 && syms[i + 2] !== 60 && prev !== 60) {
      // <<WORD, <<-WORD, <<'WORD', <<"WORD"
      let j = i + 2;
      const strip = syms[j] === 45;
      if (strip) j++;
      while (j < n && (syms[j] === SPACE || syms[j] === TAB)) j++;
      const q = syms[j] === SQ || syms[j] === DQ ? syms[j] : -1;
      if (q > 0) j++;
      let word = '';
      while (j < n && (isWord(syms[j]) || syms[j] === 45)) word += String.fromCodePoint(syms[j++]);
      if (word && (q < 0 || syms[j] === q)) {
        heredocs.push({ word, strip });
        for (let k = i; k < j + (q > 0 ? 1 : 0); k++) mark(k, 0, 0);
        i = j + (q > 0 ? 1 : 0);
        continue;
      }
    }
    if (c === LPAR || c === LBRK || c === LBRC) depth++;
    else if ((c === RPAR || c === RBRK || c === RBRC) && depth > 0) depth--;
    mark(i, 0, 0);
    i++;
  }
  return f;
}

// ─────────────────────────────────── prose ───────────────────────────────────

interface ProseFeatures {
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

/** Markdown and plain text: inside quotes (straight "…" and typographic pairs), inside parentheses. */
export function scanProse(syms: Int32Array): ProseFeatures {
  const n = syms.length;
  const inQuotes = new Float32Array(n);
  const inParens = new Float32Array(n);
  const bracketDepth = new Float32Array(n);
  let straight = false;
  const open = new Int32Array(OPEN_CLOSE.length);
  let parens = 0;
  let depth = 0;
  let blank = true; // only whitespace since the last line break
  for (let k = 0; k < n; k++) {
    const s = syms[k];
    if (s === LF) {
      if (blank && k > 0) {
        // A paragraph break closes whatever was left open (prose is rarely balanced across paragraphs).
        straight = false;
        open.fill(0);
        parens = 0;
        depth = 0;
      }
      blank = true;
    } else if (!isSpace(s)) blank = false;
    if (s === DQ) straight = !straight;
    else {
      // „ closes with “, and “ also opens: a closer of an open pair wins over an opener.
      let closed = false;
      for (let j = 0; j < OPEN_CLOSE.length; j++)
        if (s === OPEN_CLOSE[j][1] && open[j] > 0) {
          open[j]--;
          closed = true;
          break;
        }
      if (!closed)
        for (let j = 0; j < OPEN_CLOSE.length; j++)
          if (s === OPEN_CLOSE[j][0]) {
            open[j]++;
            break;
          }
    }
    if (s === LPAR || s === 0xff08) parens++;
    else if ((s === RPAR || s === 0xff09) && parens > 0) parens--;
    if (s === LPAR || s === LBRK || s === LBRC || s === 0xff08) depth++;
    else if ((s === RPAR || s === RBRK || s === RBRC || s === 0xff09) && depth > 0) depth--;
    let q = straight;
    for (let j = 0; j < open.length && !q; j++) q = open[j] > 0;
    inQuotes[k] = q ? 1 : 0;
    inParens[k] = parens > 0 ? 1 : 0;
    bracketDepth[k] = depth;
  }
  return { inQuotes, inParens, bracketDepth };
}
