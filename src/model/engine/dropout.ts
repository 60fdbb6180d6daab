// Dropout on the top layer's output before the read-out (Zaremba et al. 2014: only the non-recurrent
// connection is dropped, so the memory in c and h is never cut). Training only: evaluation and every
// inference path read the undropped h. The mask is a hash of (seed, step, time, stream, unit), not a draw
// from a stateful generator, so the same seed gives the same curve and a helper thread owning other
// streams draws its own part of the same mask without being told it.

/** murmur3's 32-bit finaliser: a cheap integer hash with full avalanche. */
function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Whether unit k of stream b at time t is kept at this step (the reference the mask is filled from). */
export function keeps(rate: number, seed: number, step: number, t: number, b: number, k: number): boolean {
  const row = mix(mix(mix(mix(seed ^ 0x9e3779b9) + step) + t) + b);
  return mix(row + k) >= rate * 4294967296;
}

export class OutputDropout {
  /** (TB, H) time-major: 0 for a dropped unit, 1 / (1 − rate) for a kept one (inverted dropout). */
  readonly mask: Float32Array;

  /**
   * @param rate fraction of units dropped, in [0, 1)
   * @param seed the training seed
   * @param streamOffset index of this graph's first stream among all the trainer's streams
   */
  constructor(
    readonly rate: number,
    readonly seed: number,
    readonly B: number,
    readonly T: number,
    readonly H: number,
    readonly streamOffset = 0,
  ) {
    if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`);
    this.mask = new Float32Array(B * T * H);
  }

  /** Fills the mask for one optimisation step (`step`: the trainer's step count). */
  draw(step: number): void {
    const { B, T, H, rate, seed, mask } = this;
    const threshold = rate * 4294967296;
    const scale = 1 / (1 - rate);
    const s0 = mix(seed ^ 0x9e3779b9);
    const sStep = mix(s0 + step);
    for (let t = 0; t < T; t++) {
      const sT = mix(sStep + t);
      for (let b = 0; b < B; b++) {
        const row = mix(sT + this.streamOffset + b);
        const o = (t * B + b) * H;
        for (let k = 0; k < H; k++) mask[o + k] = mix(row + k) >= threshold ? scale : 0;
      }
    }
  }
}
