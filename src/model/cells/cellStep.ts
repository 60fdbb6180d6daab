// One position at a time (batch 1) for all three cells, written as the equations in plain JS loops, with
// an intervention hook: a Clamp overrides one named gate or state of one unit (or all units) of one layer
// right after it is computed, before anything downstream reads it. lstm.ts's lstmStep is the LSTM
// reference this agrees with when no clamp is given; see cells/cell.ts for the equations and row mapping.
import type { StepWeights } from '../lstm';
import { sigmoid } from '../lstm';
import type { ClampTarget } from '../../shared/domain';

/** Overrides `target` of `unit` (null: every unit) in `layer` with `value`, after it is computed. */
export interface Clamp {
  layer: number;
  unit: number | null;
  target: ClampTarget;
  value: number;
}

/** Scratch for cellStep; one per caller. */
export class CellScratch {
  readonly z: Float32Array; // (G·H) pre-activations
  readonly q: Float32Array; // (H) gru: r⊙h
  constructor(w: StepWeights) {
    this.z = new Float32Array(w.G * w.H);
    this.q = new Float32Array(w.H);
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
    const hOff = l * 2 * H;
    const cOff = hOff + H;
    const cl = clamp && clamp.layer === l ? clamp : null;
    const hit = (k: number, target: ClampTarget) =>
      cl !== null && cl.target === target && (cl.unit === null || cl.unit === k);
    // z = x·Wx + b  (layer 0: the precomputed row P0[token])
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
    const Wh = w.Wh[l];
    const tr = trace ? trace[l] : null;
    const t0 = traceAt * 6 * H;
    if (w.cell === 'gru') {
      // z, r blocks get h·Wh; the candidate block gets (r⊙h)·Wh_n once r is known.
      for (let k = 0; k < H; k++) {
        const hk = state[hOff + k];
        const r = k * GH;
        for (let j = 0; j < 2 * H; j++) z[j] += hk * Wh[r + j];
      }
      const q = s.q;
      for (let k = 0; k < H; k++) {
        let zk = sigmoid(z[k]); // update (keep) gate
        let rk = sigmoid(z[H + k]); // reset gate
        if (hit(k, 'i')) zk = cl!.value;
        if (hit(k, 'f')) rk = cl!.value;
        z[k] = zk;
        z[H + k] = rk;
        q[k] = rk * state[hOff + k];
      }
      for (let k = 0; k < H; k++) {
        const qk = q[k];
        const r = k * GH + 2 * H;
        for (let j = 0; j < H; j++) z[2 * H + j] += qk * Wh[r + j];
      }
      for (let k = 0; k < H; k++) {
        const n = Math.tanh(z[2 * H + k]); // candidate
        let h = z[k] * state[hOff + k] + (1 - z[k]) * n;
        if (hit(k, 'c') || hit(k, 'h')) h = cl!.value;
        state[hOff + k] = h;
        state[cOff + k] = h;
        if (tr) writeRows(tr, t0, H, k, z[k], z[H + k], n, 0, h, h);
      }
      continue;
    }
    // lstm and rnn: the whole recurrent term first.
    for (let k = 0; k < H; k++) {
      const hk = state[hOff + k];
      const r = k * GH;
      for (let j = 0; j < GH; j++) z[j] += hk * Wh[r + j];
    }
    if (w.cell === 'rnn') {
      for (let k = 0; k < H; k++) {
        let h = Math.tanh(z[k]);
        if (hit(k, 'c') || hit(k, 'h')) h = cl!.value;
        state[hOff + k] = h;
        state[cOff + k] = h;
        if (tr) writeRows(tr, t0, H, k, 0, 0, h, 0, h, h);
      }
      continue;
    }
    for (let k = 0; k < H; k++) {
      let i = sigmoid(z[k]); // input gate
      let f = sigmoid(z[H + k]); // forget gate
      const g = Math.tanh(z[2 * H + k]); // candidate
      let o = sigmoid(z[3 * H + k]); // output gate
      if (hit(k, 'i')) i = cl!.value;
      if (hit(k, 'f')) f = cl!.value;
      if (hit(k, 'o')) o = cl!.value;
      let c = f * state[cOff + k] + i * g; // new cell
      if (hit(k, 'c')) c = cl!.value;
      let h = o * Math.tanh(c); // new hidden
      if (hit(k, 'h')) h = cl!.value;
      state[cOff + k] = c;
      state[hOff + k] = h;
      if (tr) writeRows(tr, t0, H, k, i, f, g, o, c, h);
    }
  }
}

function writeRows(
  tr: Float32Array,
  t0: number,
  H: number,
  k: number,
  i: number,
  f: number,
  g: number,
  o: number,
  c: number,
  h: number,
): void {
  tr[t0 + k] = i;
  tr[t0 + H + k] = f;
  tr[t0 + 2 * H + k] = g;
  tr[t0 + 3 * H + k] = o;
  tr[t0 + 4 * H + k] = c;
  tr[t0 + 5 * H + k] = h;
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
