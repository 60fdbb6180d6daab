// The vanilla tanh RNN cell as its equation (tfjs simpleRNN), one layer and batch 1: the readable reference.
//   h' = tanh(a + h·Wh)      trace rows g = c = h ← h' (no gates)
import { hits, writeRows, type Cell, type Clamp, type Vec } from './cell';

export class RnnCell implements Cell {
  readonly type = 'rnn' as const;
  readonly G = 1;

  /** @param Wh (H, H) recurrent kernel */
  constructor(
    readonly H: number,
    private readonly Wh: Vec,
  ) {}

  step(a: Vec, state: Vec, at: number, cl: Clamp | null, rows: Vec | null, rowAt: number): void {
    const { H, Wh } = this;
    for (let k = 0; k < H; k++) {
      const hk = state[at + k]; // a += h·Wh
      const r = k * H;
      for (let j = 0; j < H; j++) a[j] += hk * Wh[r + j];
    }
    for (let k = 0; k < H; k++) {
      let h = Math.tanh(a[k]); // new hidden state
      if (hits(cl, k, 'c') || hits(cl, k, 'h')) h = cl!.value;
      state[at + k] = h;
      state[at + H + k] = h;
      if (rows) writeRows(rows, rowAt, H, k, 0, 0, h, 0, h, h);
    }
  }
}
