// Memory span at the cursor, over the last T tokens (T ≤ 128), for any cell:
//  (a) the forget-gate memory trace: for token t of the window and layer-0 unit k, Π_{q=t+1}^{T−1} keep_q[k],
//      the share of the cell written at t that survives to the cursor (keep = f for the LSTM, z for the GRU;
//      the RNN has no multiplicative keep gate and gets zeros);
//  (b) gradient connectivity: ‖∂ log p(y | window) / ∂ x_t‖₂ for each input embedding x_t (Distill,
//      "Memorization in RNNs"), y the actual next token (the most probable one at the end of the text),
//      by a batch-1 float64 backward pass through the window from the cursor's bounded-history start state.
// Plain loops in float64 (the window is short): the forward steps the readable cells (cells/*.ts) on float64
// arrays, the backward is written here; `windowLogProb` is the forward the finite-difference test checks
// `windowGrad` against.
import type { TokenProbability } from '../../shared/domain';
import { cellOf } from '../config';
import { gateCount, type CellType } from '../cells/cell';
import { cellFor } from '../cells/cellFor';
import { inputSize, slice, type ModelWeights } from '../params';
import type { TextDoc } from '../textDoc';
import type { Vocab } from '../vocab';

interface Layer {
  In: number;
  Wx: Float64Array; // (In, G·H)
  Wh: Float64Array; // (H, G·H)
  b: Float64Array; // (G·H)
}

/** The weights in float64, unpacked per layer. */
export interface Net {
  cell: CellType;
  G: number;
  H: number;
  L: number;
  E: number;
  V: number;
  emb: Float64Array;
  layers: Layer[];
  Wy: Float64Array;
  by: Float64Array;
}

export function netOf(w: ModelWeights): Net {
  const cell = cellOf(w.config);
  const { hiddenSize: H, layers: L, embeddingSize: E } = w.config;
  const f64 = (name: string) => Float64Array.from(slice(w, name));
  const layers: Layer[] = [];
  for (let l = 0; l < L; l++)
    layers.push({
      In: inputSize(w.config, l),
      Wx: f64(`${cell}${l}.kernel`),
      Wh: f64(`${cell}${l}.recurrentKernel`),
      b: f64(`${cell}${l}.bias`),
    });
  return {
    cell,
    G: gateCount(cell),
    H,
    L,
    E,
    V: w.vocabSize,
    emb: f64('embedding'),
    layers,
    Wy: f64('output.kernel'),
    by: f64('output.bias'),
  };
}

/** Everything the backward pass needs from the forward pass, per layer and step. */
interface Tape {
  xs: Float64Array[][]; // [l][t] layer input (In)
  hPrev: Float64Array[][]; // [l][t] (H)
  cPrev: Float64Array[][]; // [l][t] (H)
  act: Float64Array[][]; // [l][t] post-activation blocks (G·H): lstm i|f|g|o, gru z|r|n, rnn h
  c: Float64Array[][]; // [l][t] new c (lstm), new h otherwise
  logits: Float64Array;
}

/** Forward over per-position layer-0 inputs X (T, E) from a start state (L × [h | c]); log p(y) and a tape. */
function forward(net: Net, X: Float64Array[], start: ArrayLike<number>, y: number): { logp: number; tape: Tape } {
  const { H, G, L, V } = net;
  const GH = G * H;
  const T = X.length;
  const tape: Tape = { xs: [], hPrev: [], cPrev: [], act: [], c: [], logits: new Float64Array(V) };
  let inputs = X;
  let top: Float64Array = new Float64Array(H);
  for (let l = 0; l < L; l++) {
    const ly = net.layers[l];
    let h = Float64Array.from({ length: H }, (_, k) => start[l * 2 * H + k]);
    let c = Float64Array.from({ length: H }, (_, k) => start[l * 2 * H + H + k]);
    const outs: Float64Array[] = [];
    tape.xs.push(inputs);
    tape.hPrev.push([]);
    tape.cPrev.push([]);
    tape.act.push([]);
    tape.c.push([]);
    const cell = cellFor(net.cell, H, ly.Wh);
    const hc = new Float64Array(2 * H); // this layer's [h | c], stepped by the cell
    const rows = new Float64Array(6 * H); // i, f, g, o, c, h of the step (cells/cell.ts)
    for (let t = 0; t < T; t++) {
      const x = inputs[t];
      const a = Float64Array.from(ly.b);
      for (let k = 0; k < ly.In; k++) for (let j = 0; j < GH; j++) a[j] += x[k] * ly.Wx[k * GH + j];
      hc.set(h);
      hc.set(c, H);
      cell.step(a, hc, 0, null, rows, 0);
      // The tape's post-activation blocks are the trace rows: lstm i|f|g|o, gru z|r|n (rows i|f|g), rnn h (row g).
      const act = net.cell === 'rnn' ? rows.slice(2 * H, 3 * H) : rows.slice(0, GH);
      const cn = rows.slice(4 * H, 5 * H);
      const hn = rows.slice(5 * H, 6 * H);
      tape.hPrev[l].push(h);
      tape.cPrev[l].push(c);
      tape.act[l].push(act);
      tape.c[l].push(cn);
      outs.push(hn);
      h = hn;
      c = cn;
    }
    inputs = outs;
    top = h;
  }
  const logits = tape.logits;
  for (let v = 0; v < V; v++) {
    let s = net.by[v];
    for (let k = 0; k < H; k++) s += top[k] * net.Wy[k * V + v];
    logits[v] = s;
  }
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, logits[v]);
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(logits[v] - max);
  return { logp: logits[y] - max - Math.log(sum), tape };
}

/** log p(y | window) for layer-0 inputs X (T, E): the function windowGrad differentiates. */
export function windowLogProb(net: Net, X: Float64Array[], start: ArrayLike<number>, y: number): number {
  return forward(net, X, start, y).logp;
}

/** ∂ log p(y) / ∂ X_t for every t (T × E), by backpropagation through the window. */
export function windowGrad(
  net: Net,
  X: Float64Array[],
  start: ArrayLike<number>,
  y: number,
): { logp: number; probs: Float64Array; dX: Float64Array[]; tape: Tape } {
  const { H, G, L, V } = net;
  const GH = G * H;
  const T = X.length;
  const { logp, tape } = forward(net, X, start, y);
  const probs = new Float64Array(V);
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, tape.logits[v]);
  let sum = 0;
  for (let v = 0; v < V; v++) sum += probs[v] = Math.exp(tape.logits[v] - max);
  for (let v = 0; v < V; v++) probs[v] /= sum;
  // d log p(y) / d logits = onehot(y) − p; into the top layer's last h.
  const dTop = new Float64Array(H);
  for (let k = 0; k < H; k++) {
    let s = 0;
    for (let v = 0; v < V; v++) s += ((v === y ? 1 : 0) - probs[v]) * net.Wy[k * V + v];
    dTop[k] = s;
  }
  let dOut: Float64Array[] = Array.from({ length: T }, () => new Float64Array(H));
  dOut[T - 1].set(dTop);
  for (let l = L - 1; l >= 0; l--) {
    const ly = net.layers[l];
    const dIn: Float64Array[] = Array.from({ length: T }, () => new Float64Array(ly.In));
    let dhNext = new Float64Array(H);
    let dcNext = new Float64Array(H);
    for (let t = T - 1; t >= 0; t--) {
      const act = tape.act[l][t];
      const hPrev = tape.hPrev[l][t];
      const cPrev = tape.cPrev[l][t];
      const dh = new Float64Array(H);
      for (let k = 0; k < H; k++) dh[k] = dOut[t][k] + dhNext[k];
      const du = new Float64Array(GH); // ∂/∂ pre-activations
      const dhPrev = new Float64Array(H);
      const dcPrev = new Float64Array(H);
      if (net.cell === 'lstm') {
        const c = tape.c[l][t];
        for (let k = 0; k < H; k++) {
          const i = act[k];
          const f = act[H + k];
          const g = act[2 * H + k];
          const o = act[3 * H + k];
          const tc = Math.tanh(c[k]);
          const dc = dcNext[k] + dh[k] * o * (1 - tc * tc);
          du[k] = dc * g * i * (1 - i);
          du[H + k] = dc * cPrev[k] * f * (1 - f);
          du[2 * H + k] = dc * i * (1 - g * g);
          du[3 * H + k] = dh[k] * tc * o * (1 - o);
          dcPrev[k] = dc * f;
        }
        for (let k = 0; k < H; k++) {
          let s = 0;
          for (let j = 0; j < GH; j++) s += du[j] * ly.Wh[k * GH + j];
          dhPrev[k] = s;
        }
      } else if (net.cell === 'gru') {
        for (let k = 0; k < H; k++) {
          const z = act[k];
          const n = act[2 * H + k];
          du[k] = dh[k] * (hPrev[k] - n) * z * (1 - z);
          du[2 * H + k] = dh[k] * (1 - z) * (1 - n * n);
          dhPrev[k] = dh[k] * z;
        }
        for (let k = 0; k < H; k++) {
          let dq = 0; // ∂/∂(r⊙h)_k
          for (let j = 0; j < H; j++) dq += du[2 * H + j] * ly.Wh[k * GH + 2 * H + j];
          const r = act[H + k];
          du[H + k] = dq * hPrev[k] * r * (1 - r);
          dhPrev[k] += dq * r;
        }
        for (let k = 0; k < H; k++) {
          let s = 0;
          for (let j = 0; j < 2 * H; j++) s += du[j] * ly.Wh[k * GH + j];
          dhPrev[k] += s;
        }
      } else {
        for (let k = 0; k < H; k++) du[k] = dh[k] * (1 - act[k] * act[k]);
        for (let k = 0; k < H; k++) {
          let s = 0;
          for (let j = 0; j < H; j++) s += du[j] * ly.Wh[k * GH + j];
          dhPrev[k] = s;
        }
      }
      const dx = dIn[t];
      for (let k = 0; k < ly.In; k++) {
        let s = 0;
        for (let j = 0; j < GH; j++) s += du[j] * ly.Wx[k * GH + j];
        dx[k] = s;
      }
      dhNext = dhPrev;
      dcNext = dcPrev;
    }
    dOut = dIn;
  }
  return { logp, probs, dX: dOut, tape };
}

export interface MemorySpanResult {
  offsets: Uint32Array;
  forgetProduct: Float32Array;
  forgetProductUnits: Float32Array;
  gradNorm: Float32Array;
  target: TokenProbability;
}

/**
 * Memory span for a cursor after n tokens, over the T tokens before it, starting from `start`, the state
 * after n − T tokens.
 */
export function memorySpan(
  w: ModelWeights,
  vocab: Vocab,
  doc: TextDoc,
  n: number,
  T: number,
  start: Float32Array,
): MemorySpanResult {
  const net = netOf(w);
  const { H, E } = net;
  const p0 = n - T;
  const X = Array.from({ length: T }, (_, t) => {
    const id = vocab.id(doc.syms[p0 + t]);
    return net.emb.slice(id * E, (id + 1) * E);
  });
  // The target: the actual next token; at the end of the text, the most probable one.
  let y = n < doc.tokenCount ? vocab.id(doc.syms[n]) : -1;
  if (y < 0) {
    const { tape } = forward(net, X, start, 0);
    y = 0;
    for (let v = 1; v < net.V; v++) if (tape.logits[v] > tape.logits[y]) y = v;
  }
  const { probs, dX, tape } = windowGrad(net, X, start, y);
  const gradNorm = new Float32Array(T);
  for (let t = 0; t < T; t++) {
    let s = 0;
    for (const d of dX[t]) s += d * d;
    gradNorm[t] = Math.sqrt(s);
  }
  const units = new Float32Array(T * H);
  const mean = new Float32Array(T);
  if (net.cell !== 'rnn') {
    // keep gate of layer 0: f (block 1) for the LSTM, z (block 0) for the GRU.
    const keepAt = net.cell === 'lstm' ? H : 0;
    const run = new Float64Array(H).fill(1);
    for (let t = T - 1; t >= 0; t--) {
      let s = 0;
      for (let k = 0; k < H; k++) {
        units[t * H + k] = run[k];
        s += run[k];
      }
      mean[t] = s / H;
      const keep = tape.act[0][t];
      for (let k = 0; k < H; k++) run[k] *= keep[keepAt + k];
    }
  }
  const offsets = new Uint32Array(T + 1);
  for (let t = 0; t <= T; t++) offsets[t] = doc.starts[p0 + t];
  return {
    offsets,
    forgetProduct: mean,
    forgetProductUnits: units,
    gradNorm,
    target: { token: vocab.text(y), prob: probs[y] },
  };
}
