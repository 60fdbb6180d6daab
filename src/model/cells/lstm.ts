// The LSTM cell as its equations, one layer and batch 1: the readable reference the fast paths are tested on.
//   a += h·Wh                (4H) pre-activations, blocks i | f | g | o (Keras order)
//   i, f, o = σ(a_i, a_f, a_o)   g = tanh(a_g)   c' = f⊙c + i⊙g   h' = o⊙tanh(c')
import { hits, sigmoid, writeRows, type Cell, type Clamp, type Vec } from './cell';

export class LstmCell implements Cell {
  readonly type = 'lstm' as const;
  readonly G = 4;

  /** @param Wh (H, 4H) recurrent kernel */
  constructor(
    readonly H: number,
    private readonly Wh: Vec,
  ) {}

  step(a: Vec, state: Vec, at: number, cl: Clamp | null, rows: Vec | null, rowAt: number): void {
    const { H, Wh } = this;
    const GH = 4 * H;
    const cAt = at + H;
    for (let k = 0; k < H; k++) {
      const hk = state[at + k]; // a += h·Wh
      const r = k * GH;
      for (let j = 0; j < GH; j++) a[j] += hk * Wh[r + j];
    }
    for (let k = 0; k < H; k++) {
      let i = sigmoid(a[k]); // (H) input gate
      let f = sigmoid(a[H + k]); // (H) forget gate
      const g = Math.tanh(a[2 * H + k]); // (H) candidate cell values
      let o = sigmoid(a[3 * H + k]); // (H) output gate
      if (hits(cl, k, 'i')) i = cl!.value;
      if (hits(cl, k, 'f')) f = cl!.value;
      if (hits(cl, k, 'o')) o = cl!.value;
      let c = f * state[cAt + k] + i * g; // new cell state
      if (hits(cl, k, 'c')) c = cl!.value;
      let h = o * Math.tanh(c); // new hidden state
      if (hits(cl, k, 'h')) h = cl!.value;
      state[cAt + k] = c;
      state[at + k] = h;
      if (rows) writeRows(rows, rowAt, H, k, i, f, g, o, c, h);
    }
  }
}
