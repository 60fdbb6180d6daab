// The state a training graph carries from one window to the next (truncated BPTT): per buffer, T+1 blocks
// of (B, H) — block 0 the state carried in, block t+1 the state after step t.
import type { Buf } from '../arena';

export class CarriedState {
  /**
   * @param bufs   every carried quantity of every layer (LSTM: h and c, GRU/RNN: h), in save order
   * @param block  B·H floats per block
   */
  constructor(
    private readonly bufs: Buf[],
    private readonly block: number,
    private readonly T: number,
  ) {}

  /** Zeroes the carried-in state (start of an epoch, after divergence, before evaluation). */
  reset(): void {
    for (const b of this.bufs) b.v.fill(0, 0, this.block);
  }

  /** The state after the last step becomes the next window's carried-in state. */
  carry(): void {
    const { block, T } = this;
    for (const b of this.bufs) b.v.copyWithin(0, T * block, (T + 1) * block);
  }

  /** A copy of the carried-in state (so evaluation does not disturb the training streams). */
  save(): Float32Array[] {
    return this.bufs.map((b) => b.v.slice(0, this.block));
  }

  restore(s: Float32Array[]): void {
    this.bufs.forEach((b, i) => b.v.set(s[i]));
  }
}
