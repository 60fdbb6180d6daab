// Single-position LSTM steps for cursor inference, fast: the matvecs go to XNNPACK (≈10 µs for
// (1,128)·(128,512) vs ≈60-300 µs in JS here) and σ/tanh to its vectorised sigmoid. Same equations
// as cells/lstm.ts (the readable reference it is tested against).
import type { Arena, Buf } from './arena';
import type { StepWeights } from './lstm';
import { CellScratch, cellStep } from './cells/cellStep';

export class StepEngine {
  private readonly Wh: Buf[] = [];
  private readonly Wx: Buf[] = [];
  private readonly Wy: Buf;
  private readonly h: Buf; // (1,H) input to the recurrent matvec
  private readonly x: Buf; // (1,H) input from the layer below
  private readonly z: Buf; // (4H) pre-activations
  private readonly zx: Buf; // (4H) input term (layers ≥ 1)
  private readonly s: Buf; // (4H) σ(z) (g block: σ(2z))
  private readonly twoC: Buf; // (H)
  private readonly sc: Buf; // (H) σ(2c)
  private readonly logits: Buf; // (V)
  /** GRU and RNN steps run the readable cells (cells/cellStep.ts; the fast path below is the LSTM's). */
  private readonly generic: CellScratch | null;

  constructor(
    readonly w: StepWeights,
    readonly arena: Arena,
  ) {
    const { H, V } = w;
    const weight = (data: Float32Array) => {
      const b = arena.alloc(data.length);
      b.v.set(data);
      b.tracked = true;
      return b;
    };
    for (let l = 0; l < w.L; l++) {
      this.Wh.push(weight(w.Wh[l]));
      if (l > 0) this.Wx.push(weight(w.Wx[l]));
    }
    this.Wy = weight(w.Wy);
    this.h = arena.alloc(H);
    this.x = arena.alloc(H);
    this.z = arena.alloc(4 * H);
    this.zx = arena.alloc(4 * H);
    this.s = arena.alloc(4 * H);
    this.twoC = arena.alloc(H);
    this.sc = arena.alloc(H);
    this.logits = arena.alloc(V);
    this.generic = w.cell === 'lstm' ? null : new CellScratch(w);
  }

  /** Reads one token into `state` (L × [h | c]); optionally writes the (6,H) rows i,f,g,o,c,h per layer. */
  step(state: Float32Array, token: number, trace?: Float32Array[], traceAt = 0): void {
    const { arena, w } = this;
    if (this.generic) return cellStep(w, state, token, this.generic, trace, traceAt);
    const H = w.H;
    const H4 = 4 * H;
    for (let l = 0; l < w.L; l++) {
      const hOff = l * 2 * H;
      const cOff = hOff + H;
      this.h.v.set(state.subarray(hOff, hOff + H));
      arena.gemm(this.h, this.Wh[l], this.z, 1, H, H4); // z = h·Wh   (1,H)·(H,4H)
      const z = this.z.v;
      if (l === 0) {
        const p = w.P0;
        const o = token * H4;
        for (let j = 0; j < H4; j++) z[j] += p[o + j]; // + Emb[token]·Wx + b
      } else {
        this.x.v.set(state.subarray(hOff - 2 * H, hOff - H)); // h of the layer below (already updated)
        arena.gemm(this.x, this.Wx[l - 1], this.zx, 1, H, H4); // x·Wx
        const zx = this.zx.v;
        const b = w.b[l];
        const zz = this.z.v;
        for (let j = 0; j < H4; j++) zz[j] += zx[j] + b[j];
      }
      const zz = this.z.v;
      for (let k = 2 * H; k < 3 * H; k++) zz[k] *= 2; // tanh(z_g) = 2σ(2z_g) − 1
      arena.sigmoid(this.z, this.s);
      const s = this.s.v;
      const twoC = this.twoC.v;
      for (let k = 0; k < H; k++) {
        const g = 2 * s[2 * H + k] - 1;
        s[2 * H + k] = g;
        const c = s[H + k] * state[cOff + k] + s[k] * g; // c = f*c + i*g
        state[cOff + k] = c;
        twoC[k] = 2 * c;
      }
      arena.sigmoid(this.twoC, this.sc);
      const sc = this.sc.v;
      const s2 = this.s.v;
      const tr = trace ? trace[l] : null;
      const t0 = traceAt * 6 * H;
      for (let k = 0; k < H; k++) {
        const h = s2[3 * H + k] * (2 * sc[k] - 1); // h = o*tanh(c)
        state[hOff + k] = h;
        if (tr) {
          tr[t0 + k] = s2[k];
          tr[t0 + H + k] = s2[H + k];
          tr[t0 + 2 * H + k] = s2[2 * H + k];
          tr[t0 + 3 * H + k] = s2[3 * H + k];
          tr[t0 + 4 * H + k] = state[cOff + k];
          tr[t0 + 5 * H + k] = h;
        }
      }
    }
  }

  /** Softmax over the next token from the top layer's h. */
  probs(state: Float32Array, out: Float32Array): Float32Array {
    const { H, V, L } = this.w;
    const hOff = (L - 1) * 2 * H;
    this.h.v.set(state.subarray(hOff, hOff + H));
    this.arena.gemm(this.h, this.Wy, this.logits, 1, H, V);
    const lg = this.logits.v;
    let max = -Infinity;
    for (let v = 0; v < V; v++) {
      out[v] = lg[v] + this.w.by[v];
      if (out[v] > max) max = out[v];
    }
    let sum = 0;
    for (let v = 0; v < V; v++) {
      out[v] = Math.exp(out[v] - max);
      sum += out[v];
    }
    for (let v = 0; v < V; v++) out[v] /= sum;
    return out;
  }

  dispose(): void {
    for (const b of [
      ...this.Wh,
      ...this.Wx,
      this.Wy,
      this.h,
      this.x,
      this.z,
      this.zx,
      this.s,
      this.twoC,
      this.sc,
      this.logits,
    ])
      this.arena.free(b);
  }
}
