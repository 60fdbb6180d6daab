// Cursor predictions: state at any UTF-16 offset via the state cache, then top-k, the actual next
// token's probability/rank/surprisal, and the gate trace of the positions leading up to it.
import type { Prediction } from '../shared/domain';
import { DEFAULT_INFERENCE_CONFIG, type InferenceConfig } from './config';
import { JsArena, type Arena } from './arena';
import { stateSize, stepWeights, type StepWeights } from './lstm';
import { StepEngine } from './stepEngine';
import type { ModelWeights } from './params';
import { StateCache } from './stateCache';
import type { TextDoc } from './textDoc';
import { symbolText, type Vocab } from './vocab';

/** A snapshot of weights answering cursor queries, with its own state cache. */
export class Predictor {
  /** Builds the step form of the weights (a copy: training may go on changing its own). */
  static from(
    weights: ModelWeights,
    vocab: Vocab,
    cfg: InferenceConfig = DEFAULT_INFERENCE_CONFIG,
    arena: Arena = new JsArena(),
  ): Predictor {
    return new Predictor(stepWeights(weights), vocab, cfg, arena);
  }

  readonly w: StepWeights;
  readonly cache: StateCache;
  readonly engine: StepEngine;
  private readonly state: Float32Array;
  private readonly probs: Float32Array;
  /** Steps replayed by the last query (for benchmarks and tests). */
  lastSteps = 0;

  constructor(
    w: StepWeights,
    readonly vocab: Vocab,
    readonly cfg: InferenceConfig = DEFAULT_INFERENCE_CONFIG,
    readonly arena: Arena = new JsArena(),
  ) {
    if (w.V !== vocab.size) throw new Error(`weights expect ${w.V} classes, vocabulary has ${vocab.size}`);
    this.w = w;
    this.cache = new StateCache(cfg, stateSize(this.w));
    this.engine = new StepEngine(w, arena);
    this.state = new Float32Array(stateSize(this.w));
    this.probs = new Float32Array(this.w.V);
  }

  /** Call after the document changed, with the first token index that may differ. */
  invalidateFrom(firstChangedToken: number): void {
    this.cache.invalidateFrom(firstChangedToken);
  }

  /**
   * The state after reading n tokens of doc, into this.state; traces the last `context` positions
   * (clamped to the run) into fresh arrays. Returns the first traced token index.
   */
  private stateAt(doc: TextDoc, n: number, context: number, trace: Float32Array[] | null): number {
    const state = this.state;
    state.fill(0);
    this.lastSteps = 0;
    if (n === 0) return 0;
    const { segmentLength: S, checkpointEvery: K } = this.cfg;
    const cache = this.cache;
    const s = cache.segmentOf(n);
    const segStart = s * S;
    const runStart = cache.runStart(s);
    const p0 = Math.max(runStart, n - context); // first traced position
    const seg = cache.get(s);
    // Best starting point: the latest filled checkpoint at or before p0, else the run start (zero state).
    let q = runStart;
    if (p0 >= segStart) {
      for (let j = Math.floor((p0 - segStart) / K); j >= 0; j--) {
        if (seg.filled[j]) {
          q = segStart + j * K;
          state.set(seg.states.subarray(j * cache.stateSize, (j + 1) * cache.stateSize));
          break;
        }
      }
    }
    const syms = doc.syms;
    for (let p = q; p < n; p++) {
      if (p >= segStart && (p - segStart) % K === 0) this.store(seg, (p - segStart) / K, state);
      const traced = trace !== null && p >= p0;
      this.engine.step(state, this.vocab.id(syms[p]), traced ? trace : undefined, p - p0);
      this.lastSteps++;
    }
    if ((n - segStart) % K === 0) this.store(seg, (n - segStart) / K, state);
    return p0;
  }

  private store(seg: { states: Float32Array; filled: Uint8Array }, j: number, state: Float32Array): void {
    if (seg.filled[j]) return;
    seg.states.set(state, j * state.length);
    seg.filled[j] = 1;
  }

  /**
   * A copy of the recurrent state after reading the first n tokens (the same bounded-history state a
   * cursor prediction at that point uses; see stateCache.ts). Fills checkpoints on the way.
   */
  stateAfterTokens(doc: TextDoc, n: number): Float32Array {
    this.stateAt(doc, Math.max(0, Math.min(n, doc.tokenCount)), 0, null);
    return this.state.slice();
  }

  /** Everything the panel shows for a cursor at a UTF-16 offset. */
  predict(doc: TextDoc, offset: number, topK: number, context: number): Prediction {
    const n = doc.tokensBefore(Math.min(offset, doc.length));
    const { H, L } = this.w;
    const maxCtx = Math.min(context, this.cfg.warmup);
    const s = n > 0 ? this.cache.segmentOf(n) : 0;
    const runStart = n > 0 ? this.cache.runStart(s) : 0;
    const C = Math.min(maxCtx, n - runStart);
    const trace = Array.from({ length: L }, () => new Float32Array(C * 6 * H));
    const p0 = this.stateAt(doc, n, C, trace);
    const probs = this.engine.probs(this.state, this.probs);
    const top = topIndices(probs, Math.min(topK, probs.length)).map((id) => ({
      token: this.vocab.text(id),
      prob: probs[id],
    }));
    let actual: Prediction['actual'] = null;
    if (n < doc.tokenCount) {
      const sym = doc.syms[n];
      const id = this.vocab.id(sym);
      const p = probs[id];
      let rank = 1;
      for (let v = 0; v < probs.length; v++) if (probs[v] > p) rank++;
      actual = { token: symbolText(sym), prob: p, rank, bits: -Math.log2(p) };
    }
    const contextTokens: string[] = [];
    for (let p = p0; p < n; p++) contextTokens.push(symbolText(doc.syms[p]));
    return { top, actual, hiddenSize: H, layers: L, contextTokens, trace: trace.map((values) => ({ values })) };
  }

  /** The same query with an empty cache: the reference the cache must reproduce exactly. */
  recompute(doc: TextDoc, offset: number, topK: number, context: number): Prediction {
    const fresh = new Predictor(this.w, this.vocab, this.cfg, this.arena);
    try {
      return fresh.predict(doc, offset, topK, context);
    } finally {
      fresh.dispose();
    }
  }

  /** Frees the snapshot's buffers (wasm heap); the predictor is unusable afterwards. */
  dispose(): void {
    this.engine.dispose();
    this.cache.clear();
  }
}

/** Indices of the k largest values, largest first (ties: lower index first). */
export function topIndices(p: Float32Array, k: number): number[] {
  const idx: number[] = [];
  for (let v = 0; v < p.length; v++) {
    if (idx.length < k) idx.push(v);
    else if (p[v] > p[idx[k - 1]]) idx[k - 1] = v;
    else continue;
    for (let j = idx.length - 1; j > 0 && p[idx[j]] > p[idx[j - 1]]; j--) [idx[j], idx[j - 1]] = [idx[j - 1], idx[j]];
  }
  return idx;
}
