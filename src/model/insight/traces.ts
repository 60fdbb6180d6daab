// Per-token gate/state values and surprisal along the document, for editor overlays and analyses.
//
// Semantics are exactly the cursor predictions' (see ../stateCache.ts): the value at token p is what the
// model holds right after reading token p, where the state after reading n tokens comes from the run of
// segment s = ⌊(n−1)/S⌋ (zero state at max(0, s·S − W)). Token p therefore belongs to segment ⌊p/S⌋, and
// its row equals the last trace row of Predictor.predict at the end of token p. The surprisal of token
// p is −log2 of the probability the state after p tokens gives it, the same number as Prediction.actual.
//
// One segment is computed by one run: from the segment's first checkpoint when the Predictor's state cache
// has it, else from its run start (warm-up, untraced). Runs fill the Predictor's checkpoints on the way,
// bit-identical to what cursor queries would store, so overlays warm the cursor and vice versa.
// Computed segments (every row of every token, plus surprisal) are kept in a bounded LRU per Predictor,
// validated against the symbols they were computed from, so edits and re-tokenization never serve stale rows.
import type { Predictor } from '../inference';
import type { StepEngine } from '../stepEngine';
import type { StateCache } from '../stateCache';
import type { TextDoc } from '../textDoc';

/** Rows per token per layer, in StepEngine trace order. */
export const ROWS = 6;

/** Everything computed for one segment's tokens [start, end). */
export interface SegmentTrace {
  seg: number;
  start: number;
  end: number;
  /** Per layer, (end − start, 6, H): i, f, g, o, c, h after reading each token. */
  rows: Float32Array[];
  /** bitsNext[k]: surprisal of token start + k + 1 from the state after token start + k (NaN at the end). */
  bitsNext: Float32Array;
  /** The symbols the rows depend on: [runStart, min(n, end + 1)) when computed. */
  syms: Int32Array;
  runStart: number;
  bytes: number;
}

/** What a segment computation needs; a Predictor provides it, or a private engine for long jobs. */
export interface SegmentSource {
  readonly engine: StepEngine;
  readonly cache: StateCache;
  readonly predictor: Predictor;
  /** Store checkpoints into cache (only when `cache` is the predictor's own). */
  readonly fillCheckpoints: boolean;
}

export function sourceOf(p: Predictor): SegmentSource {
  return { engine: p.engine, cache: p.cache, predictor: p, fillCheckpoints: true };
}

/** The token side of a document (a TextDoc, or a frozen copy of its symbols for long jobs). */
export interface DocTokens {
  readonly syms: Int32Array;
  readonly tokenCount: number;
}

/** Computes one segment's rows and next-token surprisal (synchronous; ≤ W + S steps). */
export function computeSegment(src: SegmentSource, doc: DocTokens, seg: number): SegmentTrace {
  const p = src.predictor;
  const { H, L, V } = p.w;
  const { segmentLength: S, checkpointEvery: K } = p.cfg;
  const n = doc.tokenCount;
  const start = seg * S;
  const end = Math.min(n, start + S);
  if (start >= end) throw new Error(`segment ${seg} is past the end of the text (${n} tokens)`);
  const cache = src.cache;
  const runStart = cache.runStart(seg);
  const state = new Float32Array(cache.stateSize);
  const probs = new Float32Array(V);
  const cp = src.fillCheckpoints ? cache.get(seg) : null;
  let q = runStart;
  if (cp && cp.filled[0]) {
    q = start;
    state.set(cp.states.subarray(0, cache.stateSize));
  }
  const len = end - start;
  const rows = Array.from({ length: L }, () => new Float32Array(len * ROWS * H));
  const bitsNext = new Float32Array(len);
  const syms = doc.syms;
  const vocab = p.vocab;
  const engine = src.engine;
  for (let t = q; t < end; t++) {
    if (cp && t >= start && (t - start) % K === 0) storeCheckpoint(cp, (t - start) / K, state);
    if (t < start) {
      engine.step(state, vocab.id(syms[t]));
      continue;
    }
    engine.step(state, vocab.id(syms[t]), rows, t - start);
    if (t + 1 < n) {
      engine.probs(state, probs);
      bitsNext[t - start] = -Math.log2(probs[vocab.id(syms[t + 1])]);
    } else bitsNext[t - start] = NaN;
  }
  if (cp && (end - start) % K === 0) storeCheckpoint(cp, (end - start) / K, state);
  const depEnd = Math.min(n, end + 1);
  const dep = syms.slice(runStart, depEnd);
  return {
    seg,
    start,
    end,
    rows,
    bitsNext,
    syms: dep,
    runStart,
    bytes: rows.reduce((a, r) => a + r.byteLength, 0) + bitsNext.byteLength + dep.byteLength + 64,
  };
}

function storeCheckpoint(seg: { states: Float32Array; filled: Uint8Array }, j: number, state: Float32Array): void {
  if (seg.filled[j]) return;
  seg.states.set(state, j * state.length);
  seg.filled[j] = 1;
}

/** True when the segment's rows are still those of `doc` (same symbols over its whole history). */
export function segmentValid(t: SegmentTrace, doc: TextDoc, S: number): boolean {
  const n = doc.tokenCount;
  const end = Math.min(n, t.seg * S + S);
  if (end !== t.end) return false;
  if (Math.min(n, end + 1) - t.runStart !== t.syms.length) return false;
  const syms = doc.syms;
  const dep = t.syms;
  const r = t.runStart;
  for (let k = dep.length - 1; k >= 0; k--) if (syms[r + k] !== dep[k]) return false;
  return true;
}

/** Default memory for computed segments per model snapshot (≈ 5,400 tokens at H = 128, one layer: a screenful or two). */
export const DEFAULT_TRACE_BUDGET_BYTES = 16 << 20;

/** A bounded LRU of computed segments for one Predictor (one model snapshot). */
export class TraceStore {
  private readonly segs = new Map<number, SegmentTrace>();
  private bytes = 0;
  /** Segments computed (not served from memory), for tests and benchmarks. */
  computed = 0;
  /** Model steps those computations took. */
  steps = 0;

  constructor(
    readonly predictor: Predictor,
    readonly budgetBytes = DEFAULT_TRACE_BUDGET_BYTES,
  ) {}

  /** The segment's trace, computed (and remembered) when missing or stale. */
  segment(doc: TextDoc, seg: number): SegmentTrace {
    const S = this.predictor.cfg.segmentLength;
    const have = this.segs.get(seg);
    if (have) {
      this.segs.delete(seg);
      if (segmentValid(have, doc, S)) {
        this.segs.set(seg, have);
        return have;
      }
      this.bytes -= have.bytes;
    }
    const t = computeSegment(sourceOf(this.predictor), doc, seg);
    this.computed++;
    this.steps += t.end - t.runStart;
    this.segs.set(seg, t);
    this.bytes += t.bytes;
    while (this.bytes > this.budgetBytes && this.segs.size > 1) {
      const oldest = this.segs.keys().next().value as number;
      this.bytes -= this.segs.get(oldest)!.bytes;
      this.segs.delete(oldest);
    }
    return t;
  }

  clear(): void {
    this.segs.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.segs.size;
  }
}

const stores = new WeakMap<Predictor, TraceStore>();

/** The TraceStore of a predictor (created on first use; dies with the predictor). */
export function traceStoreOf(p: Predictor): TraceStore {
  let s = stores.get(p);
  if (!s) {
    s = new TraceStore(p);
    stores.set(p, s);
  }
  return s;
}

/** Tokens overlapping the UTF-16 range [start, end): [first, last) token indices. */
export function tokenRange(doc: TextDoc, start: number, end: number): { first: number; last: number } {
  const n = doc.tokenCount;
  const len = doc.text.length;
  const s = Math.min(Math.max(0, start), len);
  const e = Math.min(Math.max(s, end), len);
  if (s >= len) return { first: n, last: n };
  const first = doc.tokensBefore(s); // the token containing s (or starting at it)
  const last = e <= s ? first : doc.tokensBefore(e - 1) + 1; // up to the token containing e − 1
  return { first, last };
}

/** UTF-16 spans of tokens [first, last): last − first + 1 offsets. */
export function tokenOffsets(doc: TextDoc, first: number, last: number): Uint32Array {
  return Uint32Array.from(doc.starts.subarray(first, last + 1));
}

/** The UTF-16 offset where the held-out tail starts, as the Trainer splits (by tokens). */
export function heldOutStartOffset(doc: TextDoc, heldOutFraction: number): number {
  const n = doc.tokenCount;
  const held = Math.floor(n * heldOutFraction);
  return doc.starts[n - held];
}

/** First held-out token index. */
export function heldOutStartToken(doc: TextDoc, heldOutFraction: number): number {
  return doc.tokenCount - Math.floor(doc.tokenCount * heldOutFraction);
}

/** Something that can stop a long job between slices (returns a reason to stop, or null). */
export type Checkpoint = () => Promise<void>;

/**
 * Visits tokens [first, last) segment by segment, calling `visit(trace, from, to)` with the absolute token
 * range of each piece. `between` runs between segments (yield / staleness checks; it may throw to abort).
 */
export async function forEachSegment(
  store: TraceStore,
  doc: TextDoc,
  first: number,
  last: number,
  visit: (t: SegmentTrace, from: number, to: number) => void,
  between?: Checkpoint,
): Promise<void> {
  const S = store.predictor.cfg.segmentLength;
  if (first >= last) return;
  for (let s = Math.floor(first / S); s * S < last; s++) {
    if (between) await between();
    const t = store.segment(doc, s);
    visit(t, Math.max(first, t.start), Math.min(last, t.end));
  }
}

/** Synchronous twin of forEachSegment for bounded ranges and tests. */
export function forEachSegmentSync(
  store: TraceStore,
  doc: TextDoc,
  first: number,
  last: number,
  visit: (t: SegmentTrace, from: number, to: number) => void,
): void {
  const S = store.predictor.cfg.segmentLength;
  for (let s = Math.floor(first / S); s * S < last; s++) {
    const t = store.segment(doc, s);
    visit(t, Math.max(first, t.start), Math.min(last, t.end));
  }
}

/** Row index of a gate inside a token's (6, H) block. */
export function gateRow(gate: 'i' | 'f' | 'g' | 'o' | 'c' | 'h'): number {
  return 'ifgoch'.indexOf(gate);
}
