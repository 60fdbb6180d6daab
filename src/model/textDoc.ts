// The document as the worker sees it: the exact editor text plus its tokens, kept in step with edits.
import type { TextEdit } from '../shared/domain';
import { charTokenizer, type Tokenizer } from './vocab';

/** Pieces kept before the text is joined again (bounds the per-edit walk; joins cost O(n) once per this many). */
const MAX_PIECES = 64;

export class TextDoc {
  version: number;
  /** Symbol of each token. */
  syms: Int32Array;
  /** UTF-16 start of each token, plus the text length at the end (length + 1 entries). */
  starts: Int32Array;
  /** Bumped on every change; caches compare it. */
  revision = 0;

  constructor(
    text: string,
    version: number,
    readonly tokenizer: Tokenizer = charTokenizer,
  ) {
    this.pieces = [text];
    this.flat = text;
    this.len = text.length;
    this.version = version;
    // Owned buffers with headroom, tokenized into directly (no second copy of 8 bytes per token);
    // syms/starts are exact-length views into them (see splice).
    const t = tokenizer.tokenize(text, 0, text.length, 1024);
    this.syms = t.syms;
    this.starts = t.starts;
  }

  // The text as pieces (slices of earlier texts and inserted strings): an edit costs O(pieces), not a
  // rebuilt (and later flattened) copy of the whole document; `text` joins them when someone asks.
  private pieces: string[];
  private flat: string | null;
  private len: number;

  /** The exact text (joined on demand after edits: prefer `length` on hot paths). */
  get text(): string {
    if (this.flat === null) {
      this.flat = this.pieces.join('');
      this.pieces = [this.flat];
    }
    return this.flat;
  }

  /** Length of the text in UTF-16 code units. */
  get length(): number {
    return this.len;
  }

  /** text.slice(a, b) without joining the pieces. */
  private substring(a: number, b: number): string {
    if (this.flat !== null) return this.flat.slice(a, b);
    let out = '';
    let o = 0;
    for (const p of this.pieces) {
      const e = o + p.length;
      if (e > a && o < b) out += p.slice(Math.max(0, a - o), Math.min(p.length, b - o));
      if (e >= b) break;
      o = e;
    }
    return out;
  }

  /** Replaces [offset, offset + deleteCount) by `insert` in the pieces. */
  private replace(offset: number, deleteCount: number, insert: string): void {
    const end = offset + deleteCount;
    const out: string[] = [];
    let o = 0;
    let placed = false;
    for (const p of this.pieces) {
      const e = o + p.length;
      if (o < offset) out.push(e <= offset ? p : p.slice(0, offset - o));
      if (!placed && e >= offset) {
        if (insert.length > 0) out.push(insert);
        placed = true;
      }
      if (e > end) out.push(o >= end ? p : p.slice(end - o));
      o = e;
    }
    if (!placed && insert.length > 0) out.push(insert);
    this.pieces = out.length > MAX_PIECES ? [out.join('')] : out;
    this.flat = this.pieces.length === 1 ? this.pieces[0] : this.pieces.length === 0 ? '' : null;
    this.len += insert.length - deleteCount;
  }

  get tokenCount(): number {
    return this.syms.length;
  }

  /** Number of tokens that end at or before a UTF-16 offset: the model has read exactly these. */
  tokensBefore(offset: number): number {
    const s = this.starts;
    const n = this.syms.length;
    if (offset >= s[n]) return n;
    // Largest k with starts[k+1] <= offset.
    let lo = 0;
    let hi = n; // answer in [0, n]
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    // Tokens 0..lo-1 end at or before offset; token lo contains it (or starts exactly at it).
    return lo;
  }

  /**
   * Applies edits (UTF-16 offsets of the version before each, in order). Re-tokenizes only around each
   * change and returns the first token index whose symbol or position may differ (for cache invalidation).
   */
  applyEdits(edits: readonly TextEdit[], version: number): number {
    let firstChanged = Number.MAX_SAFE_INTEGER;
    for (const e of edits) firstChanged = Math.min(firstChanged, this.applyEdit(e));
    this.version = version;
    this.revision++;
    return firstChanged;
  }

  private applyEdit(e: TextEdit): number {
    const oldLength = this.len;
    if (e.offset > oldLength || e.offset + e.deleteCount > oldLength)
      throw new Error(`edit [${e.offset}, +${e.deleteCount}) is outside the document (length ${oldLength})`);
    const delta = e.text.length - e.deleteCount;
    this.replace(e.offset, e.deleteCount, e.text);
    const newLength = this.len;
    const n = this.syms.length;
    // First token to redo: the one containing the edit start, one earlier (a CR could merge with a new LF).
    let k0 = Math.max(0, this.tokenIndexAt(e.offset) - 1);
    while (k0 > 0 && this.starts[k0] > e.offset - this.tokenizer.maxTokenUnits) k0--;
    const from = this.starts[k0];
    // Re-tokenize until we land on an old token boundary (shifted) at or past the edit's end.
    const oldEnd = e.offset + e.deleteCount; // in old coordinates
    let k1 = this.tokenIndexAt(oldEnd); // old token index from which we may resync
    let to = Math.min(newLength, oldEnd + delta + this.tokenizer.maxTokenUnits);
    for (;;) {
      while (k1 < n && this.starts[k1] + delta < to) k1++;
      const stop = k1 < n ? this.starts[k1] + delta : newLength;
      // Tokenize only the changed window of the new text (one extra unit to check the boundary).
      const win = this.substring(from, Math.min(newLength, stop + 1));
      const mid = this.tokenizer.tokenize(win, 0, stop - from);
      for (let j = 0; j <= mid.length; j++) mid.starts[j] += from;
      // The piece must end exactly at stop; tokenization is local so this holds when stop is a boundary
      // whose preceding unit cannot merge forward, which we check by re-tokenizing a little further.
      if (k1 >= n || this.boundaryStable(win, stop - from)) {
        this.splice(k0, k1, mid, delta);
        return k0;
      }
      to = stop + 1;
    }
  }

  /** True when no token can straddle `p` (so old tokens from p on are still valid). */
  private boundaryStable(text: string, p: number): boolean {
    if (p <= 0 || p >= text.length) return true;
    const a = text.charCodeAt(p - 1);
    const b = text.charCodeAt(p);
    if (a === 13 && b === 10) return false;
    if (a >= 0xd800 && a < 0xdc00 && b >= 0xdc00 && b < 0xe000) return false;
    return true;
  }

  /** Index of the token containing offset (n when at the end). */
  private tokenIndexAt(offset: number): number {
    const s = this.starts;
    const n = this.syms.length;
    if (offset >= s[n]) return n;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private splice(k0: number, k1: number, mid: { syms: Int32Array; starts: Int32Array; length: number }, delta: number) {
    const n = this.syms.length;
    const m = mid.length;
    const newN = k0 + m + (n - k1);
    let symBuf = this.syms.buffer.byteLength / 4 >= newN ? new Int32Array(this.syms.buffer) : null;
    let startBuf = this.starts.buffer.byteLength / 4 >= newN + 1 ? new Int32Array(this.starts.buffer) : null;
    if (!symBuf || !startBuf) {
      // Grow with headroom so typing does not reallocate (and copy 8 bytes per token) on every key.
      const cap = Math.ceil(newN * 1.25) + 1024;
      symBuf = new Int32Array(cap);
      startBuf = new Int32Array(cap + 1);
      symBuf.set(this.syms.subarray(0, k0));
      startBuf.set(this.starts.subarray(0, k0));
      symBuf.set(this.syms.subarray(k1, n), k0 + m);
      startBuf.set(this.starts.subarray(k1, n + 1), k0 + m);
    } else {
      symBuf.copyWithin(k0 + m, k1, n); // memmove of the unchanged tail
      startBuf.copyWithin(k0 + m, k1, n + 1);
    }
    symBuf.set(mid.syms, k0);
    startBuf.set(mid.starts.subarray(0, m), k0);
    if (delta !== 0) shiftBy(startBuf, k0 + m, newN, delta);
    this.syms = symBuf.subarray(0, newN);
    this.starts = startBuf.subarray(0, newN + 1);
  }
}

/** a[from..to] += delta (the unchanged tail's offsets after an edit; kept monomorphic for speed). */
function shiftBy(a: Int32Array, from: number, to: number, delta: number): void {
  for (let j = from; j <= to; j++) a[j] += delta;
}
