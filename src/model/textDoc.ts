// The document as the worker sees it: the exact editor text plus its tokens, kept in step with edits.
import type { TextEdit } from '../shared/protocol';
import { charTokenizer, type Tokenizer } from './vocab';

export class TextDoc {
  text: string;
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
    this.text = text;
    this.version = version;
    // Owned buffers with headroom, tokenized into directly (no second copy of 8 bytes per token);
    // syms/starts are exact-length views into them (see splice).
    const t = tokenizer.tokenize(text, 0, text.length, 1024);
    this.syms = t.syms;
    this.starts = t.starts;
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
    const oldText = this.text;
    if (e.offset > oldText.length || e.offset + e.deleteCount > oldText.length)
      throw new Error(`edit [${e.offset}, +${e.deleteCount}) is outside the document (length ${oldText.length})`);
    const delta = e.text.length - e.deleteCount;
    const newText = oldText.slice(0, e.offset) + e.text + oldText.slice(e.offset + e.deleteCount);
    const n = this.syms.length;
    // First token to redo: the one containing the edit start, one earlier (a CR could merge with a new LF).
    let k0 = Math.max(0, this.tokenIndexAt(e.offset) - 1);
    while (k0 > 0 && this.starts[k0] > e.offset - this.tokenizer.maxTokenUnits) k0--;
    const from = this.starts[k0];
    // Re-tokenize until we land on an old token boundary (shifted) at or past the edit's end.
    const oldEnd = e.offset + e.deleteCount; // in old coordinates
    let k1 = this.tokenIndexAt(oldEnd); // old token index from which we may resync
    let to = Math.min(newText.length, oldEnd + delta + this.tokenizer.maxTokenUnits);
    for (;;) {
      while (k1 < n && this.starts[k1] + delta < to) k1++;
      const stop = k1 < n ? this.starts[k1] + delta : newText.length;
      const mid = this.tokenizer.tokenize(newText, from, stop);
      // The piece must end exactly at stop; tokenization is local so this holds when stop is a boundary
      // whose preceding unit cannot merge forward, which we check by re-tokenizing a little further.
      if (k1 >= n || this.boundaryStable(newText, stop)) {
        this.splice(k0, k1, mid, delta);
        this.text = newText;
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
    if (delta !== 0) for (let j = k0 + m; j <= newN; j++) startBuf[j] += delta;
    this.syms = symBuf.subarray(0, newN);
    this.starts = startBuf.subarray(0, newN + 1);
  }
}
