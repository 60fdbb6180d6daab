// A large matmul cut into blocks of output rows with a yield between blocks, so no stretch of a training step
// between two yields is longer than about one block (a cursor query arriving meanwhile waits at most that).
// Each block is the same XNNPACK product over fewer rows of `a` and `out` (both row-major, so a block is a
// contiguous view), so the result is the whole product's, bit for bit (test/unit/model/rowBlocks.test.ts).
import type { Arena, Buf } from '../arena';

/** Multiply-adds per block: ≈2 ms of XNNPACK on this machine class (16 per ns at (512,2048)·(2048,128)). */
export const BLOCK_MACS = 1 << 25;

export class RowBlocks {
  /** First row of each block, then M. */
  readonly starts: number[];
  /** Views of each parent buffer, one per block, made on first use (views register tensor ids: once each). */
  private readonly views = new Map<Buf, Buf[]>();

  constructor(
    private readonly arena: Arena,
    readonly M: number,
    readonly K: number,
    readonly N: number,
    macsPerBlock = BLOCK_MACS,
  ) {
    const blocks = Math.max(1, Math.min(M, Math.ceil((M * K * N) / macsPerBlock)));
    const rows = Math.ceil(M / blocks);
    this.starts = [];
    for (let r = 0; r < M; r += rows) this.starts.push(r);
    this.starts.push(M);
  }

  get blocks(): number {
    return this.starts.length - 1;
  }

  /** out(M,N) = a(M,K)·b(K,N), block by block, yielding between blocks. */
  *gemm(a: Buf, b: Buf, out: Buf): Generator<void, void> {
    const { M, K, N } = this;
    if (this.blocks === 1) return this.arena.gemm(a, b, out, M, K, N);
    const as = this.blocksOf(a, K);
    const outs = this.blocksOf(out, N);
    for (let j = 0; j < this.blocks; j++) {
      if (j > 0) yield;
      // b is packed once per product: an untracked b (activations, gradients) is not repacked for every block.
      this.arena.gemm(as[j], b, outs[j], this.starts[j + 1] - this.starts[j], K, N, j > 0);
    }
  }

  private blocksOf(parent: Buf, cols: number): Buf[] {
    let vs = this.views.get(parent);
    if (!vs) {
      vs = [];
      for (let j = 0; j < this.blocks; j++) {
        const r0 = this.starts[j];
        vs.push(this.arena.view(parent, r0 * cols, (this.starts[j + 1] - r0) * cols));
      }
      this.views.set(parent, vs);
    }
    return vs;
  }

  /** The views it made (the owner frees them with its own buffers). */
  get buffers(): Buf[] {
    return [...this.views.values()].flat();
  }
}
