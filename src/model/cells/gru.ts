// The GRU cell as its equations (tfjs/Keras, reset_after = false), one layer and batch 1: the readable reference.
//   z = σ(a_z + h·Wh_z)   r = σ(a_r + h·Wh_r)   n = tanh(a_n + (r⊙h)·Wh_n)   h' = z⊙h + (1 − z)⊙n
// z is the KEEP gate (z = 1 copies the old state); trace rows i ← z, f ← r, g ← n, c = h ← h'.
import { hits, sigmoid, writeRows, type Cell, type Clamp, type Vec } from './cell';

export class GruCell implements Cell {
  readonly type = 'gru' as const;
  readonly G = 3;
  private readonly q: Vec; // (H) r⊙h

  /** @param Wh (H, 3H) recurrent kernel, blocks z | r | n */
  constructor(
    readonly H: number,
    private readonly Wh: Vec,
  ) {
    this.q = Wh instanceof Float64Array ? new Float64Array(H) : new Float32Array(H);
  }

  step(a: Vec, state: Vec, at: number, cl: Clamp | null, rows: Vec | null, rowAt: number): void {
    const { H, Wh, q } = this;
    const GH = 3 * H;
    for (let k = 0; k < H; k++) {
      const hk = state[at + k]; // a_z, a_r += h·Wh_z, h·Wh_r
      const r = k * GH;
      for (let j = 0; j < 2 * H; j++) a[j] += hk * Wh[r + j];
    }
    for (let k = 0; k < H; k++) {
      let z = sigmoid(a[k]); // (H) update (keep) gate
      let r = sigmoid(a[H + k]); // (H) reset gate
      if (hits(cl, k, 'i')) z = cl!.value;
      if (hits(cl, k, 'f')) r = cl!.value;
      a[k] = z;
      a[H + k] = r;
      q[k] = r * state[at + k]; // r⊙h
    }
    for (let k = 0; k < H; k++) {
      const qk = q[k]; // a_n += (r⊙h)·Wh_n
      const r = k * GH + 2 * H;
      for (let j = 0; j < H; j++) a[2 * H + j] += qk * Wh[r + j];
    }
    for (let k = 0; k < H; k++) {
      const n = Math.tanh(a[2 * H + k]); // (H) candidate
      let h = a[k] * state[at + k] + (1 - a[k]) * n; // new hidden state
      if (hits(cl, k, 'c') || hits(cl, k, 'h')) h = cl!.value;
      state[at + k] = h;
      state[at + H + k] = h;
      if (rows) writeRows(rows, rowAt, H, k, a[k], a[H + k], n, 0, h, h);
    }
  }
}
