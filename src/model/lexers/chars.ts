// Character codes and classes every lexer shares (tokens are code points, CRLF folded into one LF).

export const LF = 10;
export const TAB = 9;
export const SPACE = 32;
export const DQ = 34; // "
export const SQ = 39; // '
export const BT = 96; // `
export const SLASH = 47;
export const STAR = 42;
export const BSL = 92; // \
export const HASH = 35;
export const DOLLAR = 36;
export const LPAR = 40;
export const RPAR = 41;
export const LBRK = 91;
export const RBRK = 93;
export const LBRC = 123;
export const RBRC = 125;
export const AT = 64;

const wordMemo = new Map<number, number>();
/** 0: other, 1: word char (letter / digit / _), bit 2: digit, bit 4: uppercase. */
export function charClass(sym: number): number {
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

export const isWord = (sym: number) => (charClass(sym) & 1) !== 0;
export const isSpace = (sym: number) => sym === SPACE || sym === TAB || sym === 12 || sym === 11 || sym === 13;
export const isOpenBracket = (sym: number) => sym === LPAR || sym === LBRK || sym === LBRC;
export const isCloseBracket = (sym: number) => sym === RPAR || sym === RBRK || sym === RBRC;
