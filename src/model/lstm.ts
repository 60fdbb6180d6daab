// The LSTM cell for one position at a time (batch 1), written as the equations, in plain JS loops.
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

/** Weights rearranged for fast single steps; immutable once built (a snapshot of training). */
export interface StepWeights {
  /** The cell (see cells/cell.ts); lstmStep handles 'lstm', cells/cellStep.ts all three. */
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

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

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
export class StepScratch {
  readonly z: Float32Array;
  constructor(w: StepWeights) {
    this.z = new Float32Array(4 * w.H);
  }
}

/**
 * Reads one token: updates `state` (L × [h | c]) in place. When `trace` is given, writes this position's
 * (L, 6, H) rows i, f, g, o, c, h at `traceAt` per layer l into trace[l].
 */
export function lstmStep(
  w: StepWeights,
  state: Float32Array,
  token: number,
  s: StepScratch,
  trace?: Float32Array[],
  traceAt = 0,
): void {
  const H = w.H;
  const H4 = 4 * H;
  const z = s.z; // (4H) pre-activations
  for (let l = 0; l < w.L; l++) {
    const hOff = l * 2 * H; // h of this layer inside state
    const cOff = hOff + H; // c of this layer
    // z = x·Wx + b  (layer 0: the precomputed row P0[token])
    if (l === 0) z.set(w.P0.subarray(token * H4, (token + 1) * H4));
    else {
      z.set(w.b[l]);
      const Wx = w.Wx[l];
      const xOff = (l - 1) * 2 * H; // h of the layer below, already updated this step
      for (let k = 0; k < H; k++) {
        const x = state[xOff + k];
        const r = k * H4;
        for (let j = 0; j < H4; j++) z[j] += x * Wx[r + j];
      }
    }
    // z += h·Wh
    const Wh = w.Wh[l];
    for (let k = 0; k < H; k++) {
      const hk = state[hOff + k];
      const r = k * H4;
      for (let j = 0; j < H4; j++) z[j] += hk * Wh[r + j];
    }
    const tr = trace ? trace[l] : null;
    const t0 = traceAt * 6 * H;
    for (let k = 0; k < H; k++) {
      const i = sigmoid(z[k]); // input gate
      const f = sigmoid(z[H + k]); // forget gate
      const g = Math.tanh(z[2 * H + k]); // candidate
      const o = sigmoid(z[3 * H + k]); // output gate
      const c = f * state[cOff + k] + i * g; // new cell
      const h = o * Math.tanh(c); // new hidden
      state[cOff + k] = c;
      state[hOff + k] = h;
      if (tr) {
        tr[t0 + k] = i;
        tr[t0 + H + k] = f;
        tr[t0 + 2 * H + k] = g;
        tr[t0 + 3 * H + k] = o;
        tr[t0 + 4 * H + k] = c;
        tr[t0 + 5 * H + k] = h;
      }
    }
  }
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
