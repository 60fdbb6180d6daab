// Weights in step form for one position at a time (batch 1), and the LSTM stack step on cells/lstm.ts.
//
// Per layer, with x the input and (h, c) the previous state (Olah, "Understanding LSTM Networks"):
//   z = x·Wx + h·Wh + b                 (4H) pre-activations, blocks i | f | g | o
//   i = σ(z_i)   f = σ(z_f)   o = σ(z_o)   input, forget, output gates (logistic sigmoid)
//   g = tanh(z_g)                       candidate cell values
//   c' = f ⊙ c + i ⊙ g                  new cell state
//   h' = o ⊙ tanh(c')                   new hidden state
// Layer 0's x·Wx + b is a row of the table P = Embedding·Wx + b, precomputed once per weight snapshot.
import type { ModelWeights } from './params';
import { slice } from './params';
import { cellOf } from './config';
import { gateCount, type CellType } from './cells/cell';
import { CellScratch, cellStep } from './cells/cellStep';

/** Weights rearranged for fast single steps; immutable once built (a snapshot of training). */
export interface StepWeights {
  /** The cell (see cells/cell.ts); cells/cellStep.ts steps all three. */
  cell: CellType;
  /** Gate blocks: 4 (lstm), 3 (gru), 1 (rnn); the matrices below are G·H wide where this says 4H. */
  G: number;
  H: number;
  L: number;
  V: number;
  /** (V, 4H) layer-0 input projection per token, bias included. */
  P0: Float32Array;
  /** Per layer l ≥ 1: (H, 4H) input kernel; index 0 unused. */
  Wx: Float32Array[];
  /** Per layer: (H, 4H) recurrent kernel. */
  Wh: Float32Array[];
  /** Per layer: (4H) bias (layer 0's is folded into P0). */
  b: Float32Array[];
  /** (H, V) and (V): the softmax read-out. */
  Wy: Float32Array;
  by: Float32Array;
}

export { sigmoid } from './cells/cell';

/** Copies weights into step form (the snapshot inference uses while training moves on). */
export function stepWeights(w: ModelWeights): StepWeights {
  const { hiddenSize: H, layers: L, embeddingSize: E } = w.config;
  const V = w.vocabSize;
  const cell = cellOf(w.config);
  const G = gateCount(cell);
  const GH = G * H;
  const emb = slice(w, 'embedding');
  const Wx0 = slice(w, `${cell}0.kernel`);
  const b0 = slice(w, `${cell}0.bias`);
  const P0 = new Float32Array(V * GH);
  for (let v = 0; v < V; v++) {
    const row = P0.subarray(v * GH, (v + 1) * GH);
    row.set(b0);
    for (let e = 0; e < E; e++) {
      const x = emb[v * E + e];
      for (let j = 0; j < GH; j++) row[j] += x * Wx0[e * GH + j];
    }
  }
  const Wx: Float32Array[] = [new Float32Array(0)];
  const Wh: Float32Array[] = [];
  const b: Float32Array[] = [];
  for (let l = 0; l < L; l++) {
    if (l > 0) Wx.push(slice(w, `${cell}${l}.kernel`).slice());
    Wh.push(slice(w, `${cell}${l}.recurrentKernel`).slice());
    b.push(slice(w, `${cell}${l}.bias`).slice());
  }
  const Wy = slice(w, 'output.kernel').slice();
  return { cell, G, H, L, V, P0, Wx, Wh, b, Wy, by: slice(w, 'output.bias').slice() };
}

/** Floats in a recurrent state: per layer h (H) then c (H). */
export function stateSize(w: StepWeights): number {
  return w.L * 2 * w.H;
}

/** Scratch for lstmStep; one per caller. */
export class StepScratch extends CellScratch {}

/**
 * Reads one token: updates `state` (L × [h | c]) in place. When `trace` is given, writes this position's
 * (L, 6, H) rows i, f, g, o, c, h at `traceAt` per layer l into trace[l]. The LSTM stack of cells/lstm.ts.
 */
export function lstmStep(
  w: StepWeights,
  state: Float32Array,
  token: number,
  s: StepScratch,
  trace?: Float32Array[],
  traceAt = 0,
): void {
  cellStep(w, state, token, s, trace, traceAt);
}

/** Softmax probabilities of the next token from the top layer's h. */
export function nextTokenProbs(w: StepWeights, state: Float32Array, out: Float32Array): Float32Array {
  const H = w.H;
  const V = w.V;
  const hOff = (w.L - 1) * 2 * H;
  out.set(w.by);
  for (let k = 0; k < H; k++) {
    const hk = state[hOff + k];
    const r = k * V;
    for (let v = 0; v < V; v++) out[v] += hk * w.Wy[r + v];
  }
  let max = -Infinity;
  for (let v = 0; v < V; v++) if (out[v] > max) max = out[v];
  let sum = 0;
  for (let v = 0; v < V; v++) {
    const e = Math.exp(out[v] - max);
    out[v] = e;
    sum += e;
  }
  for (let v = 0; v < V; v++) out[v] /= sum;
  return out;
}
