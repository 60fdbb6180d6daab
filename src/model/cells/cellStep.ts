// One position at a time (batch 1) through the L layers of any cell: the input projection per layer, then
// that layer's readable Cell (cells/lstm.ts, gru.ts, rnn.ts) with the intervention hook: a Clamp overrides
// one named gate or state of one unit (or all units) of one layer right after it is computed.
import type { StepWeights } from '../lstm';
import type { Cell, Clamp } from './cell';
import { cellFor } from './cellFor';

export type { Clamp } from './cell';

/** Scratch for cellStep, and the per-layer cells over the snapshot's weights; one per caller. */
export class CellScratch {
  readonly z: Float32Array; // (G·H) pre-activations
  readonly cells: Cell[];
  constructor(w: StepWeights) {
    this.z = new Float32Array(w.G * w.H);
    this.cells = w.Wh.map((Wh) => cellFor(w.cell, w.H, Wh));
  }
}

/**
 * Reads one token: updates `state` (L × [h | c]) in place; with `trace`, writes the six rows (i,f,g,o,c,h,
 * mapped per cell as in cells/cell.ts) of this position at `traceAt`; with `clamp`, applies the override.
 */
export function cellStep(
  w: StepWeights,
  state: Float32Array,
  token: number,
  s: CellScratch,
  trace?: Float32Array[],
  traceAt = 0,
  clamp?: Clamp | null,
): void {
  const { H, G } = w;
  const GH = G * H;
  const z = s.z;
  for (let l = 0; l < w.L; l++) {
    // z = x·Wx + b  (layer 0: the precomputed row P0[token]; above: h of the layer below, already updated)
    if (l === 0) z.set(w.P0.subarray(token * GH, (token + 1) * GH));
    else {
      z.set(w.b[l]);
      const Wx = w.Wx[l];
      const xOff = (l - 1) * 2 * H;
      for (let k = 0; k < H; k++) {
        const x = state[xOff + k];
        const r = k * GH;
        for (let j = 0; j < GH; j++) z[j] += x * Wx[r + j];
      }
    }
    const cl = clamp && clamp.layer === l ? clamp : null;
    s.cells[l].step(z, state, l * 2 * H, cl, trace ? trace[l] : null, traceAt * 6 * H);
  }
}

/** Logits of the next token from the top layer's h (no softmax). */
export function nextTokenLogits(w: StepWeights, state: Float32Array, out: Float32Array): Float32Array {
  const { H, V } = w;
  const hOff = (w.L - 1) * 2 * H;
  out.set(w.by);
  for (let k = 0; k < H; k++) {
    const hk = state[hOff + k];
    const r = k * V;
    for (let v = 0; v < V; v++) out[v] += hk * w.Wy[r + v];
  }
  return out;
}

/** In place: logits → softmax(logits / temperature) (temperature ≤ 0: one-hot argmax). */
export function softmaxT(x: Float32Array, temperature: number): Float32Array {
  let max = -Infinity;
  let arg = 0;
  for (let v = 0; v < x.length; v++)
    if (x[v] > max) {
      max = x[v];
      arg = v;
    }
  if (!(temperature > 0)) {
    x.fill(0);
    x[arg] = 1;
    return x;
  }
  let sum = 0;
  for (let v = 0; v < x.length; v++) {
    const e = Math.exp((x[v] - max) / temperature);
    x[v] = e;
    sum += e;
  }
  for (let v = 0; v < x.length; v++) x[v] /= sum;
  return x;
}
