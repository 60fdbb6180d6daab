// Text → tokens: Unicode code points (never half a surrogate pair) with exact UTF-16 offsets, and the vocabulary.
//
// CRLF: "\r\n" is one token with the same symbol as "\n", spanning two UTF-16 code units, so a CRLF file
// models exactly like its LF twin while every token still maps back to its exact editor offsets.
// A lone "\r" stays its own symbol. A lone (malformed) surrogate is one token of one code unit.

/** The symbol of a token: a code point (CRLF uses LF's, 10). Tokenizers with words would use other ids. */
export type Sym = number;

export const LF = 10;
export const CR = 13;
/** Shown for the unknown-token class: the Unicode replacement character. */
export const UNKNOWN_TEXT = '\uFFFD';

/** A tokenized text: symbols and their UTF-16 spans. starts has one more entry (the text length). */
export interface Tokens {
  syms: Int32Array;
  starts: Int32Array;
  length: number;
}

/**
 * What the engine needs from a tokenizer; a word/identifier tokenizer can implement the same shape later.
 * Tokenization must be local (a token never depends on text more than `maxTokenUnits` away) so edits
 * can re-tokenize only around the change.
 */
export interface Tokenizer {
  readonly kind: string;
  /** Longest token in UTF-16 code units. */
  readonly maxTokenUnits: number;
  /**
   * Tokens of text[from, to). With `headroom`, the returned arrays are views at the start of buffers
   * with room for that many more tokens (TextDoc grows into it in place instead of copying).
   */
  tokenize(text: string, from?: number, to?: number, headroom?: number): Tokens;
}

/** Characters as code points, CRLF folded into LF. */
export const charTokenizer: Tokenizer = {
  kind: 'char',
  maxTokenUnits: 2,
  tokenize(text: string, from = 0, to = text.length, headroom = 0): Tokens {
    const syms = new Int32Array(to - from + headroom);
    const starts = new Int32Array(to - from + 1 + headroom);
    let n = 0;
    let p = from;
    while (p < to) {
      const u = text.charCodeAt(p);
      let sym: number = u;
      let w = 1;
      if (u === CR && p + 1 < to && text.charCodeAt(p + 1) === LF) {
        sym = LF;
        w = 2;
      } else if (u >= 0xd800 && u < 0xdc00 && p + 1 < to) {
        const lo = text.charCodeAt(p + 1);
        if (lo >= 0xdc00 && lo < 0xe000) {
          sym = ((u - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
          w = 2;
        }
      }
      syms[n] = sym;
      starts[n] = p;
      n++;
      p += w;
    }
    starts[n] = to;
    return { syms: syms.subarray(0, n), starts: starts.subarray(0, n + 1), length: n };
  },
};

/** The text a symbol stands for ("\n" for CRLF). */
export function symbolText(sym: Sym): string {
  return String.fromCodePoint(sym);
}

/**
 * Symbol ↔ class id. Id 0 is the unknown class; ids 1.. are the kept symbols in code-point order.
 * Kept symbols are the (maxVocab - 1) most frequent in the training text (ties: lower code point).
 */
export class Vocab {
  readonly symbols: readonly number[];
  private readonly small: Int32Array; // code point < 65536 → id (0 when unknown)
  private readonly large = new Map<number, number>();

  constructor(symbols: readonly number[]) {
    this.symbols = symbols;
    this.small = new Int32Array(65536);
    symbols.forEach((s, k) => {
      if (s < 65536) this.small[s] = k + 1;
      else this.large.set(s, k + 1);
    });
  }

  static fromSymbols(syms: Int32Array, maxVocab: number): Vocab {
    const counts = new Map<number, number>();
    for (const s of syms) counts.set(s, (counts.get(s) ?? 0) + 1);
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const kept = ranked.slice(0, Math.max(1, maxVocab - 1)).map(([s]) => s);
    kept.sort((a, b) => a - b);
    return new Vocab(kept);
  }

  /** Classes including unknown. */
  get size(): number {
    return this.symbols.length + 1;
  }

  id(sym: Sym): number {
    return sym < 65536 ? this.small[sym] : (this.large.get(sym) ?? 0);
  }

  ids(syms: Int32Array): Int32Array {
    const out = new Int32Array(syms.length);
    for (let k = 0; k < syms.length; k++) out[k] = this.id(syms[k]);
    return out;
  }

  /** Display text of a class. */
  text(id: number): string {
    return id === 0 ? UNKNOWN_TEXT : symbolText(this.symbols[id - 1]);
  }
}
